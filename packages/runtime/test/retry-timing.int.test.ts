import { JobEvent, type JobRecord, jobEventSubject } from '@reelay/contracts';
import { DeliverPolicy } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

/**
 * Retry and redelivery timing at the default AckWait (30 s), where a consumer-level
 * backoff used to be added on top of nak delays: attempts 3 and 4 of a job came 32 s
 * and 94 s late, and a dead worker's job came back after up to 102 s.
 */
const DEFAULT_ACK_WAIT_MS = 30_000;
/** Pull latency, event write and clock reads; far below the delays being checked. */
const SLACK_MS = 1_000;

async function stateEvents(h: Harness, id: string): Promise<JobRecord[]> {
  const consumer = await h.ctx.js.consumers.get('EVENTS', { filter_subjects: jobEventSubject(id), deliver_policy: DeliverPolicy.All });
  const pending = (await consumer.info(true)).num_pending;
  const out: JobRecord[] = [];
  if (pending === 0) return out;
  const iter = await consumer.fetch({ max_messages: pending, expires: 2_000 });
  for await (const m of iter) {
    const event = JobEvent.parse(m.json());
    if (event.kind === 'state') out.push(event.job);
  }
  return out;
}

describe('retry timing at the default AckWait', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ackWaitMs: DEFAULT_ACK_WAIT_MS });
    await h.startWorker({ WORKER_CONCURRENCY: '2' });
  });
  afterAll(() => h.close());

  it('each retry of a failing job starts within its planned delay plus one second', async () => {
    const { job } = await h.client.enqueue({ type: 'system.sleep', input: { ms: 10, steps: 1, failAttempts: 3 }, maxAttempts: 5 });
    const done = await h.waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(4);
    const states = await stateEvents(h, job.id);
    const retries = states.filter((r) => r.status === 'retrying');
    // Each attempt's first record says when it started: its `running` one, or — for an
    // attempt that failed within the turn it started in, which leaves none — its `retrying` one.
    const starts = [1, 2, 3, 4].map((n) => states.find((r) => r.attempts === n && r.startedAt));
    expect(retries).toHaveLength(3);
    expect(starts.map((r) => r?.attempts)).toEqual([1, 2, 3, 4]);
    for (const [i, retry] of retries.entries()) {
      // The retrying record says when the next attempt is due; that attempt's first record
      // says when it started.
      expect(retry.retryAt).toBeDefined();
      const due = Date.parse(retry.retryAt ?? '');
      const started = Date.parse(starts[i + 1]?.startedAt ?? '');
      expect(started - due, `attempt ${i + 2} started ${started - due} ms after it was due`).toBeLessThanOrEqual(SLACK_MS);
      expect(started).toBeGreaterThanOrEqual(due - SLACK_MS);
    }
  });

  it('the job of a worker killed with kill -9 starts again on another worker within AckWait plus one second', async () => {
    await h.startWorker({ WORKER_CONCURRENCY: '1' });
    const { job } = await h.client.enqueue({ type: 'system.sleep', input: { ms: 600_000, steps: 600 } });
    const running = await h.waitForStatus(job.id, ['running'], 30_000);
    // Worker ids carry their process id: kill whichever worker took the job.
    const holder = h.workers.find((w) => running.workerId?.includes(`-${w.proc.pid}-`));
    expect(holder).toBeDefined();
    const killedAt = Date.now();
    await holder?.kill('SIGKILL');
    const restarted = await waitForAttempt(h, job.id, running.attempts + 1, DEFAULT_ACK_WAIT_MS + 20_000);
    const startedAt = Date.parse(restarted.startedAt ?? '');
    expect(restarted.workerId).not.toBe(running.workerId);
    expect(startedAt - killedAt, `restarted ${startedAt - killedAt} ms after the kill`).toBeLessThanOrEqual(DEFAULT_ACK_WAIT_MS + SLACK_MS);
    expect(restarted.errors.map((e) => e.code)).toEqual(['WORKER_LOST']);
    await h.client.cancel(job.id);
  });
});

async function waitForAttempt(h: Harness, id: string, attempt: number, timeoutMs: number): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const job = await h.client.get(id);
    if (job && job.status === 'running' && job.attempts >= attempt) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} never started attempt ${attempt} within ${timeoutMs} ms`);
}
