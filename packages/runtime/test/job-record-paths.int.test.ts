import { jobsStream, jobsSubject } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newJobId } from '../src/jobs/new-job-id.js';
import { waitUntil } from '../src/testing/wait-until.js';
import { type Harness, startHarness } from './harness.js';

/**
 * The paths a job record takes outside the happy path: batch items with a delay, input
 * that reaches a worker without passing the client's check, and a requeue that patches
 * the job.
 */
describe('job record paths', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker({ WORKER_CONCURRENCY: '2' });
  });
  afterAll(() => h.close());

  it('a batch item with a future runAt waits as scheduled instead of running at once', async () => {
    const runAt = new Date(Date.now() + 3_600_000);
    const [delayed, now] = await h.client.enqueueMany([
      { type: 'test.echo', input: { n: 1 }, runAt },
      { type: 'test.echo', input: { n: 2 } },
    ]);
    expect(delayed?.status).toBe('scheduled');
    expect(delayed?.runAt).toBe(runAt.toISOString());
    await h.waitForStatus(now?.id ?? '', ['succeeded']);
    // The delayed one is on the DELAYED stream, not on its queue, and nothing ran it.
    const queued = await h.ctx.jsm.streams.info(jobsStream('test'));
    expect(queued.state.messages).toBe(0);
    const waiting = await h.ctx.jsm.streams.info('DELAYED', { subjects_filter: `delayed.${delayed?.id}` });
    expect(Object.keys(waiting.state.subjects ?? {})).toEqual([`delayed.${delayed?.id}`]);
    expect((await h.client.get(delayed?.id ?? ''))?.status).toBe('scheduled');
  });

  it('submit and cancel answer with the record as written, its updatedAt the one on the stream', async () => {
    // A reader that orders records by updatedAt (the SQL job store) must see the answer as
    // newer than what came before it: a cancel that kept the old updatedAt lost to it.
    const { job } = await h.client.enqueue({ type: 'test.echo', input: {}, runAt: new Date(Date.now() + 3_600_000) });
    const stored = await h.client.get(job.id);
    expect(job.updatedAt).toBe(stored?.updatedAt);
    await new Promise((r) => setTimeout(r, 5));
    const cancelled = await h.client.cancel(job.id);
    const after = await h.client.get(job.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.updatedAt).toBe(after?.updatedAt);
    expect(Date.parse(cancelled.updatedAt)).toBeGreaterThan(Date.parse(job.updatedAt));
  });

  it('a batch with one invalid item writes nothing', async () => {
    const before = (await h.ctx.jsm.streams.info('EVENTS')).state.messages;
    await expect(
      h.client.enqueueMany([
        { type: 'test.echo', input: {} },
        { type: 'test.flaky', input: { succeedOn: 'soon' } },
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await h.ctx.jsm.streams.info('EVENTS')).state.messages).toBe(before);
  });

  it('input that breaks the task contract fails permanently on its first attempt, never reaching the handler', async () => {
    // Published straight to the queue, as a worker in another language or an old client might.
    const id = newJobId();
    const envelope = {
      id,
      type: 'test.flaky',
      queue: 'test',
      input: { succeedOn: 'never' },
      priority: 5,
      project: 'default',
      maxAttempts: 3,
      createdAt: new Date().toISOString(),
    };
    await h.ctx.js.publish(jobsSubject('test', 'normal'), JSON.stringify(envelope), { msgID: id });
    const failed = await h.waitForStatus(id, ['failed', 'succeeded']);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('INVALID_INPUT');
    expect(failed.error?.message).toContain('succeedOn');
    expect(failed.attempts).toBe(1);
    const dead = await waitUntil(() => h.client.getDeadLetter(id), { what: 'dead letter' });
    expect(dead.reason).toBe('permanent');
    expect(dead.errors.map((e) => [e.attempt, e.code])).toEqual([[1, 'INVALID_INPUT']]);
  });

  it('a requeue from the DLQ may patch timeoutMs and maxAttempts, and the new run shows on the record', async () => {
    const { job } = await h.client.enqueue({ type: 'test.flaky', input: { succeedOn: 99 } });
    await h.waitForStatus(job.id, ['failed']);
    await waitUntil(() => h.client.getDeadLetter(job.id), { what: 'dead letter' });
    const requeued = await h.client.requeueDeadLetter(job.id, { maxAttempts: 1, timeoutMs: 5_000 });
    expect(requeued.status).toBe('queued');
    expect(requeued.attempts).toBe(0);
    expect(requeued.maxAttempts).toBe(1);
    expect(requeued.timeoutMs).toBe(5_000);
    await waitUntil(() => h.client.getDeadLetter(job.id), { what: 'second dead letter' });
    const again = await h.waitForStatus(job.id, ['failed']);
    expect(again.attempts).toBe(1);
    expect(again.maxAttempts).toBe(1);
    expect(again.timeoutMs).toBe(5_000);
  });

  it('a requeue patch is validated like a submission', async () => {
    const { job } = await h.client.enqueue({ type: 'test.flaky', input: { succeedOn: 99 } });
    await h.waitForStatus(job.id, ['failed']);
    await waitUntil(() => h.client.getDeadLetter(job.id), { what: 'dead letter' });
    await expect(h.client.requeueDeadLetter(job.id, { input: { succeedOn: 'x' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await h.client.getDeadLetter(job.id)).toBeDefined();
    expect((await h.client.get(job.id))?.status).toBe('failed');
  });
});
