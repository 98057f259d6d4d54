import { JobEvent, jobEventSubject, jobsStream } from '@reelay/contracts';
import { DeliverPolicy } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../src/testing/wait-until.js';
import { type Harness, startHarness } from './harness.js';

async function eventsOf(h: Harness, id: string): Promise<JobEvent[]> {
  const consumer = await h.ctx.js.consumers.get('EVENTS', { filter_subjects: jobEventSubject(id), deliver_policy: DeliverPolicy.All });
  const out: JobEvent[] = [];
  const pending = (await consumer.info(true)).num_pending;
  if (pending === 0) return out;
  const iter = await consumer.fetch({ max_messages: pending, expires: 2_000 });
  for await (const m of iter) out.push(JobEvent.parse(m.json()));
  return out;
}

describe('job lifecycle on one worker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker({ WORKER_CONCURRENCY: '4' });
  });
  afterAll(() => h.close());

  it('a job moves queued → running → succeeded, each change an event carrying the whole record', async () => {
    const { job } = await h.client.enqueue({ type: 'test.block', input: { ms: 50 } });
    expect(job.status).toBe('queued');
    const done = await h.waitForStatus(job.id, ['succeeded']);
    expect(done.result).toMatchObject({ worker: expect.any(Number) });
    expect(done.attempts).toBe(1);
    expect(done.startedAt).toBeDefined();
    expect(done.finishedAt).toBeDefined();
    const statuses = (await eventsOf(h, job.id)).filter((e) => e.kind === 'state').map((e) => e.job.status);
    expect(statuses).toEqual(['queued', 'running', 'succeeded']);
  });

  it('a job whose handler returns at once moves queued → succeeded, its one record holding the attempt’s start', async () => {
    const { job } = await h.client.enqueue({ type: 'test.echo', input: { hello: 'world' } });
    const done = await h.waitForStatus(job.id, ['succeeded']);
    expect(done.result).toEqual({ hello: 'world' });
    expect(done.attempts).toBe(1);
    expect(done.startedAt).toBeDefined();
    expect(done.workerId).toBeDefined();
    const statuses = (await eventsOf(h, job.id)).filter((e) => e.kind === 'state').map((e) => e.job.status);
    expect(statuses).toEqual(['queued', 'succeeded']);
  });

  it('a retryable failure is retried with backoff until it succeeds, every failed attempt recorded', async () => {
    const { job } = await h.client.enqueue({ type: 'test.flaky', input: { succeedOn: 3 } });
    const done = await h.waitForStatus(job.id, ['succeeded']);
    expect(done.attempts).toBe(3);
    expect(done.errors.map((e) => [e.attempt, e.code])).toEqual([
      [1, 'TRANSIENT'],
      [2, 'TRANSIENT'],
    ]);
    const states = (await eventsOf(h, job.id)).map((e) => e.job.status);
    expect(states.filter((s) => s === 'retrying')).toHaveLength(2);
  });

  it('a job that exhausts its attempts lands in the DLQ with every attempt’s error', async () => {
    const { job } = await h.client.enqueue({ type: 'test.flaky', input: { succeedOn: 99 } });
    const failed = await h.waitForStatus(job.id, ['failed']);
    expect(failed.attempts).toBe(3);
    const dead = await waitUntil(() => h.client.getDeadLetter(job.id), { what: 'dead letter' });
    expect(dead.reason).toBe('exhausted');
    expect(dead.errors.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(dead.job.input).toEqual({ succeedOn: 99 });
    // The work-queue message is gone: nothing left to redeliver.
    const info = await h.ctx.jsm.streams.info(jobsStream('test'));
    expect(info.state.messages).toBe(0);
  });

  it('a permanent failure is not retried and goes straight to the DLQ', async () => {
    const { job } = await h.client.enqueue({ type: 'test.permanent', input: {} });
    const failed = await h.waitForStatus(job.id, ['failed']);
    expect(failed.attempts).toBe(1);
    expect(failed.error?.code).toBe('PERMANENT');
    const dead = await waitUntil(() => h.client.getDeadLetter(job.id));
    expect(dead.reason).toBe('permanent');
    expect(dead.error.message).toBe('this input can never work');
  });

  it('a dead job can be requeued with a patched input and then succeeds under the same id', async () => {
    const { job } = await h.client.enqueue({ type: 'test.flaky', input: { succeedOn: 99 }, maxAttempts: 1 });
    await waitUntil(() => h.client.getDeadLetter(job.id));
    const requeued = await h.client.requeueDeadLetter(job.id, { input: { succeedOn: 1 } });
    expect(requeued.id).toBe(job.id);
    const done = await h.waitForStatus(job.id, ['succeeded']);
    expect(done.result).toEqual({ attempt: 1 });
    expect(await h.client.getDeadLetter(job.id)).toBeUndefined();
  });

  it('a requeue overtaken by the dead run’s last write writes its queued record again, before its message, and the job runs again', async () => {
    const { job } = await h.client.enqueue({ type: 'test.flaky', input: { succeedOn: 99 }, maxAttempts: 1 });
    await waitUntil(() => h.client.getDeadLetter(job.id));
    await h.waitForStatus(job.id, ['failed']);
    // The race, made certain: the requeue's read of the record answers one write behind
    // (as when the worker's failed record lands just after that read), so its
    // compare-and-set is overtaken by the dead run's own end.
    const store = h.client.store;
    const read = store.getWithSeq.bind(store);
    let stale = true;
    store.getWithSeq = async (id: string) => {
      const current = await read(id);
      if (!current || !stale) return current;
      stale = false;
      return { job: { ...current.job, status: 'running' as const }, seq: current.seq - 1 };
    };
    try {
      const requeued = await h.client.requeueDeadLetter(job.id, { input: { succeedOn: 1 } });
      expect(requeued).toMatchObject({ id: job.id, status: 'queued' });
    } finally {
      store.getWithSeq = read;
    }
    const done = await h.waitForStatus(job.id, ['succeeded']);
    expect(done.result).toEqual({ attempt: 1 });
    expect(await h.client.getDeadLetter(job.id)).toBeUndefined();
  });

  it('invalid input is refused before anything is queued', async () => {
    await expect(h.client.enqueue({ type: 'test.flaky', input: { succeedOn: 'soon' } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('a task type no worker registered is refused as UNKNOWN_TASK', async () => {
    await expect(h.client.enqueue({ type: 'no.such.task' })).rejects.toMatchObject({ code: 'UNKNOWN_TASK' });
  });

  it('the same idempotency key submitted twice yields one job and one queue message', async () => {
    const before = (await h.ctx.jsm.streams.info(jobsStream('test'))).state.last_seq;
    const a = await h.client.enqueue({ type: 'test.echo', input: { n: 1 }, idempotencyKey: 'order-42' });
    const b = await h.client.enqueue({ type: 'test.echo', input: { n: 1 }, idempotencyKey: 'order-42' });
    expect(b.job.id).toBe(a.job.id);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    const after = (await h.ctx.jsm.streams.info(jobsStream('test'))).state.last_seq;
    expect(after - before).toBe(1);
  });

  it('progress reports are throttled but the last one always lands', async () => {
    const { job } = await h.client.enqueue({ type: 'test.progress', input: {} });
    await h.waitForStatus(job.id, ['succeeded']);
    const progress = (await eventsOf(h, job.id)).filter((e) => e.kind === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThan(20);
    expect(progress.at(-1)?.job.progress).toBe(100);
    expect(progress.at(-1)?.job.stage).toBe('step 100');
  });

  it('a soft time limit fires the handler’s AbortSignal and fails the attempt as SOFT_TIMEOUT', async () => {
    const { job } = await h.client.enqueue({ type: 'test.timeout', input: { ignoreSoft: false } });
    const failed = await h.waitForStatus(job.id, ['failed']);
    expect(failed.error?.code).toBe('SOFT_TIMEOUT');
  });

  it('a hard time limit fails the attempt and kills the handler’s child processes', async () => {
    const { job } = await h.client.enqueue({ type: 'test.timeout', input: { ignoreSoft: true, spawnSleep: true } });
    const failed = await h.waitForStatus(job.id, ['failed']);
    expect(failed.error?.code).toBe('HARD_TIMEOUT');
    const worker = h.workers[0];
    const childPid = Number(worker?.output().match(new RegExp(`"job_id":"${job.id}"[^\\n]*"child_pid":(\\d+)`))?.[1]);
    expect(childPid).toBeGreaterThan(0);
    await waitUntil(
      () => {
        try {
          process.kill(childPid, 0);
          return false;
        } catch {
          return true;
        }
      },
      { what: 'child to be killed', timeoutMs: 5_000 },
    );
  });
});
