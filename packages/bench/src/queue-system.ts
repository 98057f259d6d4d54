/**
 * What the workloads (workloads.ts) need from a queue system, so the same code measures
 * Reelay and BullMQ: a fresh queue per run; batch and single submits; a worker in a
 * process of its own; a count of finished jobs to poll, and a per-job watch.
 */
import type { JobTimes } from './job-times.js';
import type { WorkerProcess } from './worker-process.js';

export interface QueueSystem {
  /** `reelay`, `bullmq-aof`, `bullmq-none`. */
  readonly id: SystemId;
  /** Server and version, for the report. */
  readonly description: string;
  /** The processes whose CPU counts as the bench's own: its servers and live workers. */
  pids(): number[];
  /** A queue for one run, watched from now on. */
  openQueue(): Promise<BenchQueue>;
  close(): Promise<void>;
}

export type SystemId = 'reelay' | 'bullmq-aof' | 'bullmq-none';

export interface BenchQueue {
  /**
   * How many jobs submitted to this queue have finished, asked of the server: Reelay's
   * acked off the work queue (the ack follows the final record write), BullMQ's in the
   * completed set. Throughput is timed by polling this, so that no observer reading
   * every job's events takes CPU from the two cores the system under test runs on.
   */
  doneCount(): Promise<number>;
  /**
   * Starts watching every job's start and finish as a client would (Reelay: the job's
   * `running` and `succeeded` records on `events.jobs.>`; BullMQ: `active` and
   * `completed` through QueueEvents), and the start a latency job's handler reports in
   * its result (handler-start.ts). The same watch every call.
   */
  watch(): Promise<JobTimes>;
  /** Submits `count` jobs in one call (Reelay `enqueueMany`, BullMQ `addBulk`). */
  submitBatch(count: number): Promise<void>;
  /** Submits one latency job (handler-start.ts); resolves with its id once the system has confirmed it. */
  submitOne(): Promise<string>;
  /** Starts a worker process on this queue; it is stopped with the queue. */
  startWorker(concurrency: number): Promise<WorkerProcess>;
  /** Stops its workers and any watch; the jobs' data stays, as each system keeps it. */
  close(): Promise<void>;
}

/** The input every job carries, the same for both systems: `{}` or `{ pad: 'xxx…' }`. */
export function jobInput(payloadBytes: number): Record<string, string> {
  return payloadBytes > 0 ? { pad: 'x'.repeat(payloadBytes) } : {};
}
