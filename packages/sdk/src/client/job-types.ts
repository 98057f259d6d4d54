import type { JobEvent, JobView, SubmitJobBody, TaskInput, TaskOutput, TaskType } from '@reelay/contracts';

/**
 * Job shapes typed by task type: `TypedJob<'system.sleep'>` has `input: TaskInput<'system.sleep'>`
 * and `result?: TaskOutput<'system.sleep'>`. The gateway sends the same JobView for every
 * type; these types only narrow what the contracts already validated.
 */
export type TypedJob<T extends TaskType> = Omit<JobView, 'type' | 'input' | 'result'> & {
  type: T;
  input: TaskInput<T>;
  result?: TaskOutput<T>;
};

/** One event from GET /v1/jobs/:id/events, with its stream sequence (the SSE id) when the server sent one. */
export type JobStreamEvent = JobEvent & { eventId?: string | undefined };
export type TypedJobStreamEvent<T extends TaskType> = Omit<JobStreamEvent, 'job'> & { job: TypedJob<T> };

/** Everything POST /v1/jobs takes besides the type and input, plus the Idempotency-Key header. */
export type SubmitOptions = Omit<SubmitJobBody, 'type' | 'input'> & {
  /** The same key submits at most one job; a repeat returns the first job's id. */
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
};

/** One item of POST /v1/batches, typed by its task type. */
export type BatchItem = {
  [T in TaskType]: Omit<SubmitJobBody, 'type' | 'input'> & { type: T; input: TaskInput<T> };
}[TaskType];

export interface WaitOptions {
  /** How long to wait in all; the SDK long-polls in slices the server accepts. Infinity waits for ever. @default 30000 */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface EventsOptions {
  signal?: AbortSignal | undefined;
  /** Resume after this stream sequence instead of from the job's first event. */
  lastEventId?: string | undefined;
  /** Wait before reconnecting after a dropped connection. @default 1000 */
  reconnectDelayMs?: number | undefined;
  /** Give up after this many reconnects in a row that brought no event. @default 10 */
  maxReconnects?: number | undefined;
}
