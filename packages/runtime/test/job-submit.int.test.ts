import { EVENTS_STREAM, ErrorCode, JobEvent, type JobRecord, jobEventSubject, jobsStream } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKvKey } from '../src/jobs/job-client.js';
import { ensureQueue } from '../src/nats/topology.js';
import { type Harness, startHarness } from './harness.js';

/**
 * The submit path writes a job's record and its queue message together (job-client.ts,
 * `publish`). What must hold: a `queued` record never lands after a worker's `running`;
 * a message that fails leaves no record saying `queued`; a retry with the idempotency
 * key finishes the submit under the same id.
 */
describe('submit: record and queue message in flight together', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker({ WORKER_CONCURRENCY: '20' });
  });
  afterAll(() => h.close());

  const history = async (id: string): Promise<JobRecord['status'][]> => {
    const statuses: JobRecord['status'][] = [];
    for (let seq = 0; ; ) {
      const m = await h.ctx.jsm.direct.getMessage(EVENTS_STREAM, { seq: seq + 1, next_by_subj: jobEventSubject(id) });
      if (!m) return statuses;
      const event = JobEvent.parse(m.json());
      if (event.kind === 'state') statuses.push(event.job.status);
      seq = m.seq;
    }
  };

  it('a bulk submit larger than its window of submits in flight answers every job, in the order asked, each one stored', async () => {
    const bulk = await h.client.enqueueMany(Array.from({ length: 450 }, (_, n) => ({ type: 'test.echo', input: { n } })));
    expect(bulk.map((j) => (j.input as { n: number }).n)).toEqual(Array.from({ length: 450 }, (_, n) => n));
    expect(new Set(bulk.map((j) => j.id)).size).toBe(450);
    for (const job of bulk) expect((await h.client.get(job.id))?.id).toBe(job.id);
  });

  it('a queued record never lands after the running one of the worker that took the job at once', async () => {
    const bulk = await h.client.enqueueMany(Array.from({ length: 150 }, (_, n) => ({ type: 'test.echo', input: { n } })));
    const single = await Promise.all(Array.from({ length: 50 }, (_, n) => h.client.enqueue({ type: 'test.echo', input: { n } })));
    const ids = [...bulk.map((j) => j.id), ...single.map((r) => r.job.id)];
    for (const id of ids) await h.waitForStatus(id, ['succeeded']);
    for (const id of ids) {
      const statuses = await history(id);
      expect(statuses.at(-1), `job ${id}: ${statuses.join(' → ')}`).toBe('succeeded');
      expect(statuses.slice(statuses.indexOf('running')), `job ${id}: ${statuses.join(' → ')}`).not.toContain('queued');
    }
  });

  it('a submit whose queue message cannot land fails and leaves its record withdrawn, not queued; a retry with its key queues it under the same id', async () => {
    const key = 'message-did-not-land';
    // No stream takes jobs.spare.* yet: the message fails, the record (EVENTS) lands.
    await expect(h.client.enqueue({ type: 'test.echo', input: {}, queue: 'spare', idempotencyKey: key })).rejects.toThrow();
    const id = (await h.buckets.idempotency.get(idempotencyKvKey('default', key)))?.string() ?? '';
    expect(id).not.toBe('');
    const withdrawn = await h.client.get(id);
    expect(withdrawn?.status).toBe('failed');
    expect(withdrawn?.error?.code).toBe(ErrorCode.UNAVAILABLE);

    await ensureQueue(h.ctx.jsm, 'spare', { queues: ['spare'], ackWaitMs: 2_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
    const retried = await h.client.enqueue({ type: 'test.echo', input: {}, queue: 'spare', idempotencyKey: key });
    expect(retried.job).toMatchObject({ id, status: 'queued', attempts: 0 });
    expect((await h.client.get(id))?.status).toBe('queued');
    expect((await h.ctx.jsm.streams.info(jobsStream('spare'))).state.messages).toBe(1);
    // Once more with the key: the record is as submitted, the message is dropped as a duplicate.
    expect((await h.client.enqueue({ type: 'test.echo', input: {}, queue: 'spare', idempotencyKey: key })).job.id).toBe(id);
    expect((await h.ctx.jsm.streams.info(jobsStream('spare'))).state.messages).toBe(1);
  });
});
