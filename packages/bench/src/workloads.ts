/**
 * The workloads both systems run, written once against `QueueSystem`. Each measures the
 * span it names and nothing else (worker start-up, servers starting, closing are outside
 * it) and reports its own CPU window, so a run disturbed by other load can be told apart.
 */
import { monotonicMs } from './monotonic-clock.js';
import type { CpuAccount } from './machine-load.js';
import type { BenchQueue, QueueSystem } from './queue-system.js';
import { percentile, rate } from './statistics.js';

export type WorkloadId = 'drain-c1' | 'drain-c50' | 'submit-while-draining' | 'latency';

export interface WorkloadResult {
  /** Figure name → value (jobs/s or ms). */
  figures: Record<string, number>;
  cpu: CpuAccount;
}

export interface WorkloadOptions {
  jobs: number;
  /** Jobs per `submitBatch` call. */
  batch: number;
  /** Closed-loop latency samples. */
  samples: number;
  /** Opens the CPU window over the measured span; closed before workers stop. */
  openCpuWindow: () => { close(): CpuAccount };
}

async function submitAll(queue: BenchQueue, jobs: number, batch: number): Promise<void> {
  for (let i = 0; i < jobs; i += batch) await queue.submitBatch(Math.min(batch, jobs - i));
}

/** How often a throughput run asks how many jobs are done: the end time is this exact. */
const POLL_MS = 10;
const STALL_MS = 30_000;

/**
 * Polls `doneCount` until `n` jobs are done; resolves with the time of the answer that
 * said so. Rejects when the count did not move for 30 s (a lost job, a dead worker).
 */
async function untilDone(queue: BenchQueue, n: number): Promise<number> {
  let last = -1;
  let movedAt = performance.now();
  for (;;) {
    const done = await queue.doneCount();
    const now = performance.now();
    if (done >= n) return now;
    if (done !== last) {
      last = done;
      movedAt = now;
    } else if (now - movedAt > STALL_MS) {
      throw new Error(`no job finished in ${STALL_MS / 1_000} s: ${done} of ${n} done`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function withQueue<T>(system: QueueSystem, fn: (queue: BenchQueue) => Promise<T>): Promise<T> {
  const queue = await system.openQueue();
  try {
    return await fn(queue);
  } finally {
    await queue.close();
  }
}

/**
 * Prefilled drain: `jobs` submitted in batches with no worker running (that span is the
 * bulk-submit figure), then one worker process at `concurrency`. The drain rate counts
 * from the moment the worker reports ready (the jobs it finished while starting are
 * subtracted) to the poll that finds every job done, so its start-up is not in it.
 */
export function prefilledDrain(system: QueueSystem, concurrency: number, o: WorkloadOptions): Promise<WorkloadResult> {
  return withQueue(system, async (queue) => {
    const window = o.openCpuWindow();
    const t = performance.now();
    await submitAll(queue, o.jobs, o.batch);
    const bulk = rate(o.jobs, performance.now() - t);
    await queue.startWorker(concurrency);
    const ready = performance.now();
    const doneAtReady = await queue.doneCount();
    const end = await untilDone(queue, o.jobs);
    const cpu = window.close();
    return {
      figures: { [`drain c=${concurrency}`]: rate(o.jobs - doneAtReady, end - ready), 'bulk submit': bulk },
      cpu,
    };
  });
}

/**
 * Submit while draining: a worker at concurrency 50 already waits; `jobs` are submitted
 * in batches, each awaited; the rate is from the first submit to the poll that finds
 * every job done.
 */
export function submitWhileDraining(system: QueueSystem, o: WorkloadOptions): Promise<WorkloadResult> {
  return withQueue(system, async (queue) => {
    await queue.startWorker(50);
    const window = o.openCpuWindow();
    const t = performance.now();
    await submitAll(queue, o.jobs, o.batch);
    const submitted = performance.now() - t;
    const end = await untilDone(queue, o.jobs);
    const cpu = window.close();
    return {
      figures: {
        'submit while draining (c=50)': rate(o.jobs, end - t),
        'its submit rate': rate(o.jobs, submitted),
      },
      cpu,
    };
  });
}

/** Warm-up jobs before the latency samples, the same for both systems. */
const WARM_UP = 20;

/**
 * Closed-loop latency at concurrency 1: one job at a time, the next submitted when the
 * previous one is seen done. From just before the submit call to the moment the job's
 * handler began (it reports the machine's monotonic clock, handler-start.ts), and to the
 * moment the bench's watch sees it finish (Reelay's `succeeded` record, BullMQ's
 * `completed` event).
 */
export function closedLoopLatency(system: QueueSystem, o: WorkloadOptions): Promise<WorkloadResult> {
  return withQueue(system, async (queue) => {
    const times = await queue.watch();
    await queue.startWorker(1);
    for (let i = 0; i < WARM_UP; i++) await times.untilJobDone(await queue.submitOne());
    const toStart: number[] = [];
    const toDone: number[] = [];
    const window = o.openCpuWindow();
    for (let i = 0; i < o.samples; i++) {
      const tMonotonic = monotonicMs();
      const t = performance.now();
      const id = await queue.submitOne();
      await times.untilJobDone(id);
      const started = times.handlerStarted.get(id);
      if (started === undefined) throw new Error(`job ${id} finished without reporting when its handler began`);
      toStart.push(started - tMonotonic);
      toDone.push(times.done.get(id)! - t);
    }
    const cpu = window.close();
    return {
      figures: {
        'submit→start p50 (ms)': percentile(toStart, 50),
        'submit→start p99 (ms)': percentile(toStart, 99),
        'submit→done p50 (ms)': percentile(toDone, 50),
        'submit→done p99 (ms)': percentile(toDone, 99),
      },
      cpu,
    };
  });
}

export function runWorkload(id: WorkloadId, system: QueueSystem, o: WorkloadOptions): Promise<WorkloadResult> {
  switch (id) {
    case 'drain-c1':
      return prefilledDrain(system, 1, o);
    case 'drain-c50':
      return prefilledDrain(system, 50, o);
    case 'submit-while-draining':
      return submitWhileDraining(system, o);
    case 'latency':
      return closedLoopLatency(system, o);
  }
}
