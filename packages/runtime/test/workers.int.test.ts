import { bandConsumer, EVENTS_STREAM, type JobRecord, jobEventSubject, jobsStream, WorkerHeartbeat } from '@reelay/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../src/testing/wait-until.js';
import { type Harness, isAlive, startHarness } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('workers as processes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('a long job is kept alive with in-progress acks and never redelivered while it runs', async () => {
    await h.startWorker();
    // AckWait is 2 s; the job runs for three AckWaits.
    const { job } = await h.client.enqueue({ type: 'test.block', input: { ms: 6_000 } });
    const done = await h.waitForStatus(job.id, ['succeeded'], 20_000);
    expect(done.attempts).toBe(1);
    expect(done.errors).toEqual([]);
  });

  it('the job of a worker killed with SIGKILL is picked up by another worker within about AckWait', async () => {
    const doomed = await h.startWorker();
    const { job } = await h.client.enqueue({ type: 'test.block', input: { ms: 1_500 }, maxAttempts: 3 });
    await h.waitForStatus(job.id, ['running']);
    await doomed.kill('SIGKILL');
    await h.startWorker();
    const done = await h.waitForStatus(job.id, ['succeeded'], 20_000);
    expect(done.attempts).toBe(2);
    expect(done.errors.map((e) => e.code)).toEqual(['WORKER_LOST']);
  });

  it('a job redelivered while its worker is alive and holding it is left to that worker: one run, no WORKER_LOST', async () => {
    // The first worker keeps its job alive only every 20 s (it believes AckWait is 60 s);
    // the second sets the consumers' AckWait back to 2 s, so JetStream redelivers the job
    // under the first one's hands, as a consumer leader change in a cluster does. The
    // first has one slot, so it pulls nothing while it runs: the second takes the redelivery.
    const holder = await h.startWorker({ ACK_WAIT_MS: '60000', WORKER_CONCURRENCY: '1' });
    const { job } = await h.client.enqueue({ type: 'test.block', input: { ms: 6_000 }, maxAttempts: 3 });
    await h.waitForStatus(job.id, ['running']);
    const second = await h.startWorker({ ACK_WAIT_MS: '2000' });
    const done = await h.waitForStatus(job.id, ['succeeded'], 30_000);
    expect(second.output()).toContain('left to that worker');
    // Every state the record went through (the EVENTS stream keeps each write): one start.
    // Before, the second worker recorded WORKER_LOST and ran attempt 2 beside the first.
    const history: JobRecord[] = [];
    for (let seq = 0; ; ) {
      const m = await h.ctx.jsm.direct.getMessage(EVENTS_STREAM, { next_by_subj: jobEventSubject(job.id), seq }).catch(() => null);
      if (!m) break;
      const event = m.json() as { kind: string; job: JobRecord };
      if (event.kind === 'state') history.push(event.job);
      seq = m.seq + 1;
    }
    expect(history.filter((r) => r.status === 'running').map((r) => r.attempts)).toEqual([1]);
    expect({ attempts: done.attempts, errors: done.errors, worker: (done.result as { worker: number }).worker }).toEqual({
      attempts: 1,
      errors: [],
      worker: holder.proc.pid,
    });
  });

  it('a poison job that crashes its worker every time ends in the DLQ with its payload intact', async () => {
    const { job } = await h.client.enqueue({ type: 'test.crash', input: { poison: true } });
    // maxAttempts 2: two crashes, then the third delivery is dead-lettered without running.
    for (let crash = 1; crash <= 2; crash++) {
      const w = await h.startWorker();
      await waitUntil(() => w.proc.exitCode !== null || w.proc.signalCode !== null, { what: `crash ${crash}`, timeoutMs: 30_000 });
    }
    await h.startWorker();
    const failed = await h.waitForStatus(job.id, ['failed'], 40_000);
    expect(failed.error?.code).toBe('WORKER_LOST');
    const dead = await waitUntil(() => h.client.getDeadLetter(job.id));
    expect(dead.reason).toBe('max-deliveries');
    expect(dead.job.input).toEqual({ poison: true });
    expect(dead.errors.map((e) => e.code)).toContain('WORKER_LOST');
  });

  it('a worker runs at most its concurrency of handlers, and holds at most twice that many unanswered messages', async () => {
    // A slot frees when its handler returns; the finished job's message is answered once
    // its settling record is stored, a moment later (docs/protocol.md §3).
    await h.startWorker({ WORKER_CONCURRENCY: '2' });
    const jobs = await h.client.enqueueMany(Array.from({ length: 8 }, () => ({ type: 'test.block', input: { ms: 800 } })));
    let maxAckPending = 0;
    const deadline = Date.now() + 8_000;
    while (Date.now() < deadline) {
      let pending = 0;
      for (const band of ['high', 'normal', 'low']) {
        pending += (await h.ctx.jsm.consumers.info(jobsStream('test'), bandConsumer('test', band))).num_ack_pending;
      }
      maxAckPending = Math.max(maxAckPending, pending);
      const states = await Promise.all(jobs.map((j) => h.client.get(j.id)));
      if (states.every((s) => s?.status === 'succeeded')) break;
      await sleep(50);
    }
    expect(maxAckPending).toBeGreaterThan(0);
    expect(maxAckPending).toBeLessThanOrEqual(4);
    const results = await Promise.all(jobs.map(async (j) => (await h.client.get(j.id))?.result as { alongside: number }));
    expect(Math.max(...results.map((r) => r.alongside))).toBe(2);
  });

  it('under a backlog high-priority jobs are mostly taken before normal, and normal before low', async () => {
    const low = await h.client.enqueueMany(Array.from({ length: 10 }, () => ({ type: 'test.echo', input: {}, priority: 1 })));
    const normal = await h.client.enqueueMany(Array.from({ length: 10 }, () => ({ type: 'test.echo', input: {}, priority: 5 })));
    const high = await h.client.enqueueMany(Array.from({ length: 10 }, () => ({ type: 'test.echo', input: {}, priority: 9 })));
    await h.startWorker({ WORKER_CONCURRENCY: '1' });
    const done = await Promise.all([...low, ...normal, ...high].map((j) => h.waitForStatus(j.id, ['succeeded'])));
    const order = [...done].sort(
      (a, b) => Date.parse(a.startedAt ?? '') - Date.parse(b.startedAt ?? '') || a.updatedAt.localeCompare(b.updatedAt),
    );
    const band = (id: string) => (high.some((j) => j.id === id) ? 'high' : normal.some((j) => j.id === id) ? 'normal' : 'low');
    const position = (b: string) => order.map((j, i) => (band(j.id) === b ? i : -1)).filter((i) => i >= 0);
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    // Weighted take (band-order.ts): the first takes go to high; normal and low still get a share.
    expect(order.slice(0, 3).map((j) => band(j.id))).toEqual(['high', 'high', 'high']);
    expect(mean(position('high'))).toBeLessThan(mean(position('normal')));
    expect(mean(position('normal'))).toBeLessThan(mean(position('low')));
  });

  it('low-priority jobs still make progress while high-priority work keeps arriving', async () => {
    const low = await h.client.enqueueMany(Array.from({ length: 3 }, () => ({ type: 'test.block', input: { ms: 20 }, priority: 0 })));
    const high = await h.client.enqueueMany(Array.from({ length: 60 }, () => ({ type: 'test.block', input: { ms: 20 }, priority: 10 })));
    await h.startWorker({ WORKER_CONCURRENCY: '1' });
    await Promise.all(low.map((j) => h.waitForStatus(j.id, ['succeeded'], 30_000)));
    // When the last low job finished, high work was still waiting: low was not starved.
    const highStates = await Promise.all(high.map((j) => h.client.get(j.id)));
    expect(highStates.filter((s) => s?.status !== 'succeeded').length).toBeGreaterThan(0);
  });

  it('a queued job that is cancelled is skipped when it comes up', async () => {
    const { job } = await h.client.enqueue({ type: 'test.echo', input: {} });
    const cancelled = await h.client.cancel(job.id);
    expect(cancelled.status).toBe('cancelled');
    await h.startWorker();
    const marker = await h.client.enqueue({ type: 'test.echo', input: {} });
    await h.waitForStatus(marker.job.id, ['succeeded']);
    const after = await h.client.get(job.id);
    expect(after?.status).toBe('cancelled');
    expect(after?.attempts).toBe(0);
    expect((await h.ctx.jsm.streams.info(jobsStream('test'))).state.messages).toBe(0);
  });

  it('a running job that is cancelled has its AbortSignal fired and its children killed', async () => {
    const w = await h.startWorker();
    const { job } = await h.client.enqueue({ type: 'test.block', input: { spawnSleep: true } });
    await h.waitForStatus(job.id, ['running']);
    await w.waitFor(/"child_pid":\d+/);
    const childPid = Number(w.output().match(/"child_pid":(\d+)/)?.[1]);
    expect(isAlive(childPid)).toBe(true);
    const requested = await h.client.cancel(job.id);
    expect(requested.cancelRequested).toBe(true);
    const done = await h.waitForStatus(job.id, ['cancelled'], 5_000);
    expect(done.error?.code).toBe('CANCELLED');
    await waitUntil(() => !isAlive(childPid), { timeoutMs: 3_000, what: 'child killed' });
    await expect(h.client.cancel(job.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('a rate limit holds across two worker replicas', async () => {
    await h.startWorker({ WORKER_CONCURRENCY: '10' });
    await h.startWorker({ WORKER_CONCURRENCY: '10' });
    const jobs = await h.client.enqueueMany(Array.from({ length: 15 }, () => ({ type: 'test.limited', input: {} })));
    const done = await Promise.all(jobs.map((j) => h.waitForStatus(j.id, ['succeeded'], 30_000)));
    const perWindow = new Map<number, number>();
    for (const d of done) {
      // A limit is on starts: count each job in the window its attempt started in.
      const w = Math.floor(Date.parse(d.startedAt!) / 1_000);
      perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
    }
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(5);
    expect(perWindow.size).toBeGreaterThanOrEqual(3);
    // Waiting for a rate-limit slot does not spend attempts.
    expect(done.every((d) => d.attempts === 1)).toBe(true);
  });

  it('a live worker keeps a heartbeat in KV workers that vanishes after it is killed', async () => {
    const w = await h.startWorker({ WORKER_CONCURRENCY: '3' });
    const entry = await waitUntil(async () => {
      const keys = await h.buckets.workers.keys();
      for await (const k of keys) {
        const e = await h.buckets.workers.get(k);
        if (e?.operation === 'PUT') return WorkerHeartbeat.parse(e.json());
      }
      return undefined;
    });
    expect(entry.pid).toBe(w.proc.pid);
    expect(entry.concurrency).toBe(3);
    expect(entry.queues).toEqual(['test', 'system']);
    expect(entry.memoryRssBytes).toBeGreaterThan(0);
    await w.kill('SIGKILL');
    await waitUntil(
      async () => {
        const e = await h.buckets.workers.get(entry.id);
        return e?.operation !== 'PUT';
      },
      { timeoutMs: 40_000, intervalMs: 500, what: 'heartbeat to expire' },
    );
  });

  it('on SIGTERM a worker lets its running job finish, then exits 0', async () => {
    const w = await h.startWorker({ SHUTDOWN_GRACE_MS: '10000' });
    const { job } = await h.client.enqueue({ type: 'test.block', input: { ms: 1_500 } });
    await h.waitForStatus(job.id, ['running']);
    const code = await w.kill('SIGTERM');
    expect(code).toBe(0);
    const done = await h.client.get(job.id);
    expect(done?.status).toBe('succeeded');
    expect(done?.attempts).toBe(1);
  });

  it('on SIGTERM past the grace period a job is handed back without spending an attempt and finishes elsewhere', async () => {
    const w = await h.startWorker({ SHUTDOWN_GRACE_MS: '300' });
    const { job } = await h.client.enqueue({ type: 'test.block', input: { ms: 3_000 }, maxAttempts: 1 });
    await h.waitForStatus(job.id, ['running']);
    expect(await w.kill('SIGTERM')).toBe(0);
    const handedBack = await h.client.get(job.id);
    expect(handedBack?.status).toBe('queued');
    await h.startWorker();
    const done = await h.waitForStatus(job.id, ['succeeded'], 20_000);
    expect(done.freeRedeliveries).toBe(1);
    expect(done.attempts).toBe(1);
  });

  it('a bad configuration value stops the worker with a message naming the variable', async () => {
    const { startProcess } = await import('../src/testing/service-process.js');
    const { TEST_WORKER } = await import('./harness.js');
    const p = startProcess(TEST_WORKER, { NATS_URL: h.nats.url, ACK_WAIT_MS: 'soon' });
    const code = await new Promise((r) => p.proc.once('exit', r));
    expect(code).toBe(78);
    expect(p.output()).toMatch(/ACK_WAIT_MS: .*got "soon"/);
  });
});
