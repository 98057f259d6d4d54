import type { JobEvent, JobView, SubmitJobBody, TaskCatalogue, TaskMap, TaskMapInput, TaskMapOutput } from '@reelay/contracts';
import type { TaskTypeOf } from './task-typing.js';

/**
 * Job shapes typed by task type: `TypedJob<'system.sleep'>` has `input: TaskInput<'system.sleep'>`
 * and `result?: TaskOutput<'system.sleep'>`. M is the task map the type comes from (the
 * built-in catalogue unless given): `TypedJob<'acme.resize', typeof myTasks>`. The gateway
 * sends the same JobView for every type; these types only narrow what was validated.
 */
export type TypedJob<T extends TaskTypeOf<M>, M extends TaskMap = TaskCatalogue> = Omit<JobView, 'type' | 'input' | 'result'> & {
  type: T;
  input: TaskMapInput<M, T>;
  result?: TaskMapOutput<M, T>;
};

/** One event from GET /v1/jobs/:id/events, with its stream sequence (the SSE id) when the server sent one. */
export type JobStreamEvent = JobEvent & { eventId?: string | undefined };
export type TypedJobStreamEvent<T extends TaskTypeOf<M>, M extends TaskMap = TaskCatalogue> = Omit<JobStreamEvent, 'job'> & {
  job: TypedJob<T, M>;
};

/** Everything POST /v1/jobs takes besides the type and input, plus the Idempotency-Key header. */
export type SubmitOptions = Omit<SubmitJobBody, 'type' | 'input'> & {
  /** The same key submits at most one job; a repeat returns the first job's id. */
  idempotencyKey?: string | undefined;
  signal?: AbortSignal | undefined;
};

/** One item of POST /v1/batches, typed by its task type (from M, the built-in catalogue unless given). */
export type BatchItem<M extends TaskMap = TaskCatalogue> = {
  [T in TaskTypeOf<M>]: Omit<SubmitJobBody, 'type' | 'input'> & { type: T; input: TaskMapInput<M, T> };
}[TaskTypeOf<M>];

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
