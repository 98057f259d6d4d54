import type { JobEnvelope, JobRecord, TaskDefinition } from '@reelay/contracts';
import type { Span } from '@opentelemetry/api';
import type { Logger } from '../logging/logger.js';
import type { JobMessage } from '../nats/job-message.js';
import type { ChildProcesses } from '../process/child-processes.js';
import type { Handler } from './job-context.js';
import { ProgressReports } from './progress-reports.js';
import type { AttemptOutcome } from './settle.js';
import type { AttemptTempDir } from './temp-dirs.js';
import type { RecordStore } from './worker-jobs.js';

/**
 * One attempt of a job as its links see it, from the moment the worker knows which task
 * runs it to the outcome. Links change it in place — the record moves with the attempt,
 * the input is parsed, the log is bound — and hand the same attempt on.
 */
export class Attempt {
  readonly message: JobMessage;
  readonly envelope: JobEnvelope;
  readonly task: TaskDefinition;
  readonly handler: Handler;
  readonly attempt: number;
  readonly abort: AbortController;
  readonly children: ChildProcesses;
  readonly span: Span;
  readonly tempDir: AttemptTempDir;
  readonly progress: ProgressReports;
  /** The record as the attempt has it now: what settling builds on. */
  record: JobRecord;
  /** As submitted (sealed fields closed) until the input link opens and parses it. */
  input: unknown;
  /** The worker's logger until the log link binds the job's. */
  log: Logger;
  /** The `running` record's write, in flight while the handler runs (attempt-links.ts `markedRunning`). */
  runningWrite: RunningWrite | undefined;

  constructor(init: AttemptInit) {
    this.message = init.message;
    this.envelope = init.envelope;
    this.task = init.task;
    this.handler = init.handler;
    this.attempt = init.attempt;
    this.abort = init.abort;
    this.children = init.children;
    this.span = init.span;
    this.tempDir = init.tempDir;
    this.record = init.record;
    this.input = init.envelope.input;
    this.log = init.log;
    this.progress = new ProgressReports(this, init.store, init.progressThrottleMs);
  }
}

/**
 * An attempt's `running` write. It leaves at the end of the turn the handler started in;
 * a handler that returned before then has it withdrawn by its settling write, which then
 * is the attempt's only record. The settling write does not wait for one that was sent
 * (settle-attempt.ts); the answer to the message does.
 */
export interface RunningWrite {
  /** The stream sequence it landed at; undefined when it failed or was withdrawn. */
  landed: Promise<number | undefined>;
  /** True when it had not left yet and now will not. */
  withdraw(): boolean;
}

export interface AttemptInit {
  message: JobMessage;
  envelope: JobEnvelope;
  task: TaskDefinition;
  handler: Handler;
  attempt: number;
  abort: AbortController;
  children: ChildProcesses;
  span: Span;
  tempDir: AttemptTempDir;
  record: JobRecord;
  log: Logger;
  store: RecordStore;
  progressThrottleMs: number;
}

export type AttemptNext = (attempt: Attempt) => Promise<AttemptOutcome>;

/**
 * A cross-cutting concern around the handler, as Temporal's interceptors are: it may act
 * before and after `next`, change the attempt, or end it with an outcome of its own
 * without calling `next` (a rejected input, a full rate limit). Links never throw for a
 * failure they know; the classifying link turns what the handler throws into an outcome.
 */
export type AttemptLink = (attempt: Attempt, next: AttemptNext) => Promise<AttemptOutcome>;

/**
 * Links around a terminal step, `links[0]` outermost: it runs first and sees the outcome
 * last. Composed once per worker, not per job.
 */
export function composeLinks<A, O>(
  links: readonly ((attempt: A, next: (attempt: A) => Promise<O>) => Promise<O>)[],
  terminal: (attempt: A) => Promise<O>,
): (attempt: A) => Promise<O> {
  return links.reduceRight<(attempt: A) => Promise<O>>((next, link) => (attempt) => link(attempt, next), terminal);
}
