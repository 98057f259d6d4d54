import type { DeadLetter, JobEnvelope, JobEventKind, JobRecord } from '@reelay/contracts';
import type { ProvisionalWrite } from '../jobs/job-store.js';

/**
 * What a worker needs of the job system, and no more: it reads and writes job records,
 * publishes dead letters, and opens sealed input. `JobClient` satisfies these by shape
 * (`runtime.workerDeps.jobs` is one), so the worker does not depend on the submit path.
 */

/** Job records as events (jobs/job-store.ts): whole snapshots, the last one wins. */
export interface RecordStore {
  /** Resolves once the EVENTS stream has the record, with the stream sequence it landed at. */
  write(record: JobRecord, options?: { kind?: JobEventKind; timeoutMs?: number }): Promise<{ seq: number }>;
  /**
   * A state write that can be withdrawn until it leaves the process (at the end of the
   * turn): the attempt's `running` record, dropped when the final one follows in time.
   */
  writeProvisional(record: JobRecord): ProvisionalWrite;
  get(id: string): Promise<JobRecord | undefined>;
}

/** Copies a job that failed for good to the DLQ stream. */
export interface DeadLetterWriter {
  writeDeadLetter(dead: DeadLetter): Promise<void>;
}

/** Opens a job's sealed (sensitive) input fields for its handler; throws a permanent error when it cannot. */
export interface InputOpener {
  openInput(envelope: JobEnvelope): unknown;
}

export interface WorkerJobs extends DeadLetterWriter, InputOpener {
  readonly store: RecordStore;
}
