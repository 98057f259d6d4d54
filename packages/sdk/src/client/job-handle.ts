import type { JobStatus, JobView, TaskCatalogue, TaskMap, TaskMapOutput } from '@reelay/contracts';
import { JobFailedError } from './job-failed-error.js';
import type { EventsOptions, JobStreamEvent, TypedJob, TypedJobStreamEvent, WaitOptions } from './job-types.js';
import type { TaskTypeOf } from './task-typing.js';

/** The client calls a handle needs; an interface so the handle does not import the client. */
export interface JobOperations {
  get(id: string, options?: { signal?: AbortSignal | undefined }): Promise<JobView>;
  wait(id: string, options?: WaitOptions): Promise<JobView>;
  cancel(id: string, options?: { signal?: AbortSignal | undefined }): Promise<JobView>;
  events(id: string, options?: EventsOptions): AsyncGenerator<JobStreamEvent, void, undefined>;
}

/**
 * What `client.submit(type, input)` returns: the accepted job's id and placement, and the
 * job's operations typed by its task type, so `await handle.result()` is a TaskOutput<T>.
 * M is the task map T comes from: the built-in catalogue unless the client was given one.
 */
export class JobHandle<T extends TaskTypeOf<M>, M extends TaskMap = TaskCatalogue> {
  constructor(
    private readonly ops: JobOperations,
    readonly id: string,
    readonly type: T,
    readonly status: JobStatus,
    readonly queue: string,
    readonly priority: number,
    /** True when an Idempotency-Key matched an earlier submit: this is that job, not a new one. */
    readonly replayed: boolean,
  ) {}

  async get(options?: { signal?: AbortSignal }): Promise<TypedJob<T, M>> {
    return (await this.ops.get(this.id, options)) as TypedJob<T, M>;
  }

  /** Resolves with the finished job, whatever its outcome; a ReelayApiError TIMEOUT when it is still running. */
  async wait(options?: WaitOptions): Promise<TypedJob<T, M>> {
    return (await this.ops.wait(this.id, options)) as TypedJob<T, M>;
  }

  /** Waits and returns the job's output; throws JobFailedError when it failed or was cancelled. */
  async result(options?: WaitOptions): Promise<TaskMapOutput<M, T>> {
    const job = await this.ops.wait(this.id, options);
    if (job.status !== 'succeeded') throw new JobFailedError(job);
    return job.result as TaskMapOutput<M, T>;
  }

  async cancel(options?: { signal?: AbortSignal }): Promise<TypedJob<T, M>> {
    return (await this.ops.cancel(this.id, options)) as TypedJob<T, M>;
  }

  events(options?: EventsOptions): AsyncGenerator<TypedJobStreamEvent<T, M>, void, undefined> {
    return this.ops.events(this.id, options) as AsyncGenerator<TypedJobStreamEvent<T, M>, void, undefined>;
  }

  toJSON(): { id: string; type: T; status: JobStatus; queue: string; priority: number; replayed: boolean } {
    return { id: this.id, type: this.type, status: this.status, queue: this.queue, priority: this.priority, replayed: this.replayed };
  }
}
