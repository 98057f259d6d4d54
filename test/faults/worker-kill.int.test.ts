/**
 * Fault: a worker process killed with kill -9 while it runs jobs. Reelay promises
 * at-least-once: every accepted job still succeeds, and the dead worker's jobs start
 * again on another worker once AckWait has passed since their last in-progress ack —
 * with the default AckWait (30 s), because a short one hides redeliveries that come late.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_TASK, type FaultSystem, reconcile, report, settle, startFaultSystem, startLoad, testing } from './fault-harness.js';

const ACK_WAIT_MS = 30_000; // ACK_WAIT_MS's default
/** The restart bound: AckWait, plus the idle worker's 500 ms sweep and a loaded 2-core CI machine. */
const RESTART_MARGIN_MS = 2_000;
/** "Stuck" means not terminal this long after the last kill: AckWait plus two 8 s runs, and more. */
const SETTLE_MS = ACK_WAIT_MS + 60_000;
const JOBS = 12;
const JOB_MS = 8_000;

describe('a worker killed with kill -9 mid-job', () => {
  let nats: Awaited<ReturnType<typeof testing.startNatsServer>> | undefined;
  let system: FaultSystem | undefined;
  beforeAll(async () => {
    nats = await testing.startNatsServer();
    // Two workers with 4 slots each: 8 jobs run at once, 4 wait.
    system = await startFaultSystem({ natsUrl: nats.url, ackWaitMs: ACK_WAIT_MS, workers: 2, workerConcurrency: 4 });
  }, 120_000);
  afterAll(async () => {
    await system?.close();
    await nats?.stop();
  });

  it('every accepted job succeeds and a killed worker’s jobs restart on another worker within AckWait + 2 s, kill after kill', async () => {
    const s = system as FaultSystem;
    const load = startLoad(s, {
      name: 'worker-kill',
      body: () => ({ type: FAULT_TASK, input: { ms: JOB_MS, steps: 8 }, maxAttempts: 5 }),
      maxSubmissions: JOBS,
      durationMs: 10_000,
      ratePerSec: 50,
      maxInFlight: JOBS,
      retryForMs: 10_000,
    });
    await load.finish();
    expect(load.accepted.size).toBe(JOBS);

    // Jobs a worker has started and not finished, from the run logs.
    const runningOn = async (pid: number | undefined) => {
      const runs = await s.runs();
      const ended = new Set(runs.filter((r) => r.event === 'end').map((r) => `${r.job}:${r.attempt}`));
      return runs.filter((r) => r.event === 'start' && r.pid === pid && !ended.has(`${r.job}:${r.attempt}`)).map((r) => r.job);
    };
    const kills: { pid: number | undefined; at: number; jobs: string[] }[] = [];
    const kill = async (victim: (typeof s.workers)[number]) => {
      const jobs = await runningOn(victim.proc.pid);
      await victim.kill('SIGKILL');
      kills.push({ pid: victim.proc.pid, at: Date.now(), jobs });
    };

    // Kill 1: the first worker, once it holds jobs; a replacement starts at once.
    const [first, second] = s.workers as [(typeof s.workers)[number], (typeof s.workers)[number]];
    await testing.waitUntil(async () => (await runningOn(first.proc.pid)).length >= 2 && (await runningOn(second.proc.pid)).length >= 2, {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: 'both workers to run jobs',
    });
    await kill(first);
    const third = await s.startWorker();
    // Kill 2: whichever live worker took most of the dead one's jobs, once they run there.
    // They are on their second delivery now: a redelivery that comes late after a
    // second death (consumer backoff steps) shows here and not after the first.
    const again = kills[0]?.jobs ?? [];
    // The redeliveries arrive together: wait until every one of them has started and its
    // `running` record (attempt 2) is written, so the second kill holds exactly the jobs
    // counted as running there (a delivery taken but not yet started would die unseen).
    const victim2 = await testing.waitUntil(
      async () => {
        const on = await Promise.all(
          [second, third].map(async (w) => ({ w, jobs: (await runningOn(w.proc.pid)).filter((j) => again.includes(j)) })),
        );
        const started = new Set(on.flatMap((o) => o.jobs));
        const records = await Promise.all(again.map((id) => s.job(id)));
        // Each is running its second attempt and logged as started, or (it ended just as
        // the first kill came) finished.
        const ready = records.every(
          (r) => r && (r.status === 'succeeded' || (r.status === 'running' && r.attempts >= 2 && started.has(r.id))),
        );
        if (!ready) return undefined;
        const best = on.sort((a, b) => b.jobs.length - a.jobs.length)[0];
        return best && best.jobs.length > 0 ? best.w : undefined;
      },
      { timeoutMs: ACK_WAIT_MS + 10_000, intervalMs: 100, what: 'the killed jobs to restart' },
    );
    await kill(victim2);

    const settleMs = await settle(s, load, SETTLE_MS);
    const { figures, samples } = await reconcile(s, load, settleMs);
    const runs = await s.runs();
    const restarts = kills.flatMap((k) =>
      k.jobs.map((job) => {
        const next = runs.find((r) => r.event === 'start' && r.job === job && r.at > k.at);
        return { job, killedPid: k.pid, restartMs: next ? next.at - k.at : undefined, on: next?.pid };
      }),
    );
    const restartMs = restarts.map((r) => r.restartMs ?? Number.POSITIVE_INFINITY);
    const killedIds = [...new Set(kills.flatMap((k) => k.jobs))];
    const records = await Promise.all(killedIds.map((id) => s.job(id)));
    report('worker-kill', {
      ...figures,
      ackWaitMs: ACK_WAIT_MS,
      kills: kills.map((k) => ({ pid: k.pid, jobs: k.jobs.length })),
      restartMsMin: Math.min(...restartMs),
      restartMsMax: Math.max(...restartMs),
      samples,
    });

    expect(kills.map((k) => k.jobs.length).every((n) => n > 0)).toBe(true);
    expect.soft({ lost: figures.lost, stuck: figures.stuck }, 'no accepted job lost or stuck').toEqual({ lost: 0, stuck: 0 });
    expect.soft(figures.succeeded, 'every accepted job succeeded').toBe(figures.accepted);
    expect
      .soft(
        restarts.filter((r) => r.restartMs === undefined || r.restartMs > ACK_WAIT_MS + RESTART_MARGIN_MS || r.on === r.killedPid),
        `each killed job restarted on another worker within ${ACK_WAIT_MS + RESTART_MARGIN_MS} ms of the kill`,
      )
      .toEqual([]);
    // The history tells the truth: each killed attempt is recorded as WORKER_LOST.
    expect
      .soft(
        records
          .filter(
            (r) => r?.errors.filter((e) => e.code === 'WORKER_LOST').length !== kills.filter((k) => k.jobs.includes(r?.id ?? '')).length,
          )
          .map((r) => ({ id: r?.id, errors: r?.errors.map((e) => e.code) })),
        'each killed attempt is in the job’s history as WORKER_LOST',
      )
      .toEqual([]);
  }, 180_000);
});
