import type { JobRecord } from '@reelay/contracts';

/** What an observer may read of a worker, live: its identity, its state and its slots. */
export interface ObservedWorker {
  id: string;
  /** The worker's service name (`books-export`, `ai`…): the `worker` label of its metrics. */
  service: string;
  queues: readonly string[];
  /** Slots in all. */
  concurrency: number;
  /** created → starting → running → draining → stopped. */
  status(): string;
  /** Slots taken by running jobs now. */
  busy(): number;
}

/**
 * The worker's hook for metrics and readiness (see health/service-monitor.ts). Calls are
 * synchronous and must not throw: an observer records, it never decides anything.
 */
export interface WorkerObserver {
  /** A worker was built with this observer (before it starts: readiness waits for it). */
  workerCreated(worker: ObservedWorker): void;
  /** An attempt is about to start; `queued` is the record as it waited (queued or retrying). */
  attemptStarted(queued: JobRecord): void;
  /**
   * The worker durably recorded an attempt's outcome or a pre-run decision: succeeded,
   * cancelled, retrying, failed (dead-lettered) or queued (handed back).
   */
  recorded(record: JobRecord): void;
}
