import {
  ArtifactRef,
  AuditListResponse,
  type AuditQuery,
  BatchView,
  type BulkDlqBody,
  BulkDlqResponse,
  type CreateScheduleBody,
  DlqListResponse,
  type DeadLetter,
  DelayedJobsResponse,
  type DelayedJobView,
  JobCountsResponse,
  type JobFilterQuery,
  type JobStatus,
  JobView,
  type ListGroupsQuery,
  ListGroupsResponse,
  type ListJobsQuery,
  ListJobsResponse,
  PurgeResponse,
  QueueListResponse,
  QueueView,
  type ReelPresetBody,
  ScheduleListResponse,
  ScheduleView,
  type SubmitJobBody,
  SubmitBatchResponse,
  SubmitJobResponse,
  SubmitWorkflowResponse,
  TaskListResponse,
  TaskView,
  TriggerScheduleResponse,
  type WorkflowSpec,
  WorkflowView,
  type TaskMap,
  type TaskMapInput,
  type UsageQuery,
  UsageResponse,
  WorkerControlResponse,
  type WorkerHeartbeat,
  WorkerListResponse,
} from '@reelay/contracts';
import { type ArtifactSource, toRequestBody } from './artifact-body.js';
import { ReelayApiError } from './errors.js';
import { jobEvents } from './job-events.js';
import { type WatchJobsOptions, watchJobs } from './job-socket.js';
import { JobHandle, type JobOperations } from './job-handle.js';
import type { BatchItem, EventsOptions, JobStreamEvent, SubmitOptions, WaitOptions } from './job-types.js';
import type { ClientTasks, NoTasks, TaskTypeOf } from './task-typing.js';
import { type FetchFn, type ResponseSchema, Transport } from './transport.js';
import { type WorkflowBuilder, type WorkflowOptions, workflow } from './workflow-builder.js';
import {
  type WorkflowEvent,
  type WorkflowEventsOptions,
  type WorkflowWaitOptions,
  waitForWorkflow,
  workflowEvents,
} from './workflow-events.js';

/**
 * The typed client for the Reelay gateway's REST API. Every answer is validated with the
 * contracts' schemas; every failure is a ReelayError with a stable `code`. Browser-safe:
 * fetch and web streams only.
 *
 * Endpoints without a method here yet can be called through `client.transport` with a
 * contracts schema: `client.transport.json('/v1/…', Schema, { method, json })`.
 */

export interface ClientOptions<U extends TaskMap = NoTasks> {
  /** The gateway, e.g. `http://127.0.0.1:8080`; a path prefix behind a proxy is kept. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string | undefined;
  /** A fetch to use instead of the global one (instrumented, or a polyfill). */
  fetch?: FetchFn | undefined;
  /** Client-side limit per request. @default 30000 */
  timeoutMs?: number | undefined;
  /**
   * Your own task definitions (`taskMap(resize, quote)`), so `submit` and `workflow`
   * are typed by them as well as by the built-in catalogue. Used for its type only: the
   * gateway validates every submission against what workers registered.
   */
  tasks?: U | undefined;
}

export interface Signal {
  signal?: AbortSignal | undefined;
}

/**
 * GET /v1/jobs: the contracts' filters (project, status, type, queue, `label` as
 * `key:value`, workflowId, batchId, errorCode, createdAfter/-Before, updatedAfter/-Before
 * as ISO times, `[after, before)`), `sort` (default `-createdAt`, newest first), `limit`
 * (1–500, default 50) and `cursor` (the previous page's `nextCursor`).
 */
export type ListJobsOptions = Partial<ListJobsQuery> & Signal;

/** GET /v1/jobs/counts: the same filters, no paging. */
export type CountJobsOptions = Partial<JobFilterQuery> & Signal;

/** GET /v1/workflows and GET /v1/batches: `project`, `limit` (1–500, default 50), `cursor`. */
export type ListGroupsOptions = Partial<ListGroupsQuery> & Signal;

export interface SubmitResult {
  id: string;
  status: JobStatus;
  queue: string;
  priority: number;
  /** True when an Idempotency-Key matched an earlier submit (the gateway answered 200, not 202). */
  replayed: boolean;
}

export interface UploadOptions extends Signal {
  /** The file name kept with the artifact. */
  name: string;
  project?: string | undefined;
  /** @default application/octet-stream */
  contentType?: string | undefined;
  /** Client-side limit for the whole upload. @default none */
  timeoutMs?: number | undefined;
}

export interface ByteRange {
  start: number;
  /** Inclusive, as in HTTP; open-ended when left out. */
  end?: number | undefined;
}

export interface DownloadOptions extends Signal {
  range?: ByteRange | undefined;
}

export interface ArtifactDownload {
  /** 200 for the whole file, 206 for a range. */
  status: number;
  contentType: string;
  /** Bytes in this response, when the server said. */
  contentLength: number | undefined;
  /** `bytes start-end/total` for a range. */
  contentRange: string | undefined;
  body: ReadableStream<Uint8Array>;
  /** Reads the whole body into memory. */
  bytes(): Promise<Uint8Array>;
}

/**
 * POST /v1/schedules: `overlap` (default `skip`) and `paused` (default false) may be left
 * out, as the gateway fills them in.
 */
export type CreateScheduleOptions = Omit<CreateScheduleBody, 'overlap' | 'paused'> &
  Partial<Pick<CreateScheduleBody, 'overlap' | 'paused'>>;

/** GET /v1/audit filters (all optional, ANDed); `limit` 1–500, default 100. */
export type AuditListOptions = Partial<AuditQuery> & Signal;

/**
 * POST /v1/dlq/requeue and /v1/dlq/discard: a filter (every field given must match; none
 * matches every dead letter the key may see), `dryRun` to only count and list, `limit`
 * (default 1000, oldest first).
 */
export type BulkDeadLetterOptions = Omit<BulkDlqBody, 'dryRun' | 'limit'> & Partial<Pick<BulkDlqBody, 'dryRun' | 'limit'>> & Signal;

/** GET /v1/usage: `project`, and the window `[from, to)` as ISO times (the last 24 hours by default, at most 31 days). */
export type UsageOptions = Partial<UsageQuery> & Signal;

/** Server-side wait slices stay well under the gateway's 300 s cap and under proxies' idle limits. */
const WAIT_SLICE_MS = 60_000;
/** How much longer than a wait slice the client gives the answer to arrive. */
const WAIT_GRACE_MS = 15_000;

/**
 * U is the caller's task map (none by default): `submit`, batch items and `workflow()`
 * accept its types and every built-in one, typed from their schemas.
 */
export class ReelayClient<U extends TaskMap = NoTasks> implements JobOperations {
  readonly transport: Transport;

  constructor(options: ClientOptions<U>) {
    const { tasks: _typesOnly, ...transport } = options;
    this.transport = new Transport(transport);
  }

  /**
   * Submits a job of a built-in task type or one of the client's own; `input` is checked
   * against the task's input schema at compile time and by the gateway, and the handle's
   * `result()` is typed by its output schema.
   */
  async submit<T extends TaskTypeOf<ClientTasks<U>>>(
    type: T,
    input: NoInfer<TaskMapInput<ClientTasks<U>, T>>,
    options: SubmitOptions = {},
  ): Promise<JobHandle<T, ClientTasks<U>>> {
    const { idempotencyKey, signal, ...rest } = options;
    const result = await this.submitRaw({ ...rest, type, input }, { idempotencyKey, signal });
    return new JobHandle(this, result.id, type, result.status, result.queue, result.priority, result.replayed);
  }

  /** Submits any body, untyped: for task types known only at run time (a CLI, a proxy). */
  async submitRaw(body: SubmitJobBody, options: { idempotencyKey?: string | undefined } & Signal = {}): Promise<SubmitResult> {
    const { data, status } = await this.transport.json('/v1/jobs', SubmitJobResponse, {
      method: 'POST',
      json: body,
      headers: { 'idempotency-key': options.idempotencyKey },
      signal: options.signal,
    });
    return { ...data, replayed: status === 200 };
  }

  async get(id: string, options: Signal = {}): Promise<JobView> {
    return (await this.transport.json(jobPath(id), JobView, options)).data;
  }

  /** One page of the jobs the filters match, newest first unless `sort` says otherwise. */
  async list(options: ListJobsOptions = {}): Promise<ListJobsResponse> {
    const { signal, ...query } = options;
    return (await this.transport.json('/v1/jobs', ListJobsResponse, { query, signal })).data;
  }

  /** How many jobs the filters match, in all and by state. */
  async countJobs(options: CountJobsOptions = {}): Promise<JobCountsResponse> {
    const { signal, ...query } = options;
    return (await this.transport.json('/v1/jobs/counts', JobCountsResponse, { query, signal })).data;
  }

  /** Delayed jobs waiting for their `runAt`, soonest first (`limit` 1–1000, default 100). */
  async listDelayedJobs(options: { project?: string | undefined; limit?: number | undefined } & Signal = {}): Promise<DelayedJobView[]> {
    const { signal, ...query } = options;
    return (await this.transport.json('/v1/jobs/delayed', DelayedJobsResponse, { query, signal })).data.items;
  }

  /** Every task type, built in and registered by workers, with its queue, policies, schemas and live workers. */
  async listTasks(options: Signal = {}): Promise<TaskView[]> {
    return (await this.transport.json('/v1/tasks', TaskListResponse, options)).data.items;
  }

  async getTask(type: string, options: Signal = {}): Promise<TaskView> {
    return (await this.transport.json(`/v1/tasks/${encodeURIComponent(type)}`, TaskView, options)).data;
  }

  /** Every matching job, in the page order, fetching pages as the caller iterates. */
  async *listAll(options: Omit<ListJobsOptions, 'cursor'> = {}): AsyncGenerator<JobView, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...options, cursor });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  /**
   * Resolves with the job once it has finished (succeeded, failed or cancelled). Throws a
   * ReelayApiError with status 408 (code TIMEOUT) when `timeoutMs` passes first.
   */
  async wait(id: string, options: WaitOptions = {}): Promise<JobView> {
    const total = options.timeoutMs ?? 30_000;
    const deadline = Date.now() + total;
    for (;;) {
      const slice = Math.max(0, Math.min(deadline - Date.now(), WAIT_SLICE_MS));
      try {
        const { data } = await this.transport.json(`${jobPath(id)}/wait`, JobView, {
          query: { timeoutMs: slice },
          timeoutMs: slice + WAIT_GRACE_MS,
          signal: options.signal,
        });
        return data;
      } catch (err) {
        if (err instanceof ReelayApiError && err.status === 408 && Date.now() < deadline) continue;
        throw err;
      }
    }
  }

  /** Cancels a queued or running job; a ReelayApiError 409 (CONFLICT) when it already finished. */
  async cancel(id: string, options: Signal = {}): Promise<JobView> {
    return (await this.transport.json(`${jobPath(id)}/cancel`, CancelAnswer, { method: 'POST', signal: options.signal })).data;
  }

  /** The job's state and progress events, resuming after disconnects, ending after its terminal state. */
  events(id: string, options: EventsOptions = {}): AsyncGenerator<JobStreamEvent, void, undefined> {
    return jobEvents(this.transport, id, options);
  }

  /**
   * Follows many jobs over one WebSocket (GET /v1/ws): each job's current record, then
   * every change, until all have finished (`untilFinished`, default true). Reconnects
   * after a drop. Needs a WebSocket: the global one, or `options.WebSocket` (ws on Node 20).
   */
  watchJobs(ids: readonly string[], options: WatchJobsOptions = {}): AsyncGenerator<JobView, void, undefined> {
    return watchJobs(this.transport.socketUrl('/v1/ws'), ids, options);
  }

  async submitBatch(items: Array<BatchItem<ClientTasks<U>> | SubmitJobBody>, options: Signal = {}): Promise<SubmitBatchResponse> {
    return (await this.transport.json('/v1/batches', SubmitBatchResponse, { method: 'POST', json: { items }, signal: options.signal }))
      .data;
  }

  /** Batches, newest first, each with its jobs counted by state; `nextCursor` continues. */
  async listBatches(options: ListGroupsOptions = {}): Promise<ListGroupsResponse> {
    const { signal, ...query } = options;
    return (await this.transport.json('/v1/batches', ListGroupsResponse, { query, signal })).data;
  }

  async getBatch(id: string, options: Signal = {}): Promise<BatchView> {
    return (await this.transport.json(`/v1/batches/${encodeURIComponent(id)}`, BatchView, options)).data;
  }

  async listQueues(options: Signal = {}): Promise<QueueView[]> {
    return (await this.transport.json('/v1/queues', QueueListResponse, options)).data.items;
  }

  async getQueue(name: string, options: Signal = {}): Promise<QueueView> {
    return (await this.transport.json(queuePath(name), QueueView, options)).data;
  }

  /** Workers stop taking jobs from the queue; running jobs finish. */
  async pauseQueue(name: string, options: Signal = {}): Promise<QueueView> {
    return (await this.transport.json(`${queuePath(name)}/pause`, QueueView, { method: 'POST', signal: options.signal })).data;
  }

  async resumeQueue(name: string, options: Signal = {}): Promise<QueueView> {
    return (await this.transport.json(`${queuePath(name)}/resume`, QueueView, { method: 'POST', signal: options.signal })).data;
  }

  /** Drops every waiting job of the queue; returns how many. */
  async purgeQueue(name: string, options: Signal = {}): Promise<number> {
    return (await this.transport.json(`${queuePath(name)}/purge`, PurgeResponse, { method: 'POST', signal: options.signal })).data.purged;
  }

  async listWorkers(options: Signal = {}): Promise<WorkerHeartbeat[]> {
    return (await this.transport.json('/v1/workers', WorkerListResponse, options)).data.items;
  }

  /** Drains a worker (admin): it takes no new jobs, running ones finish, it stays up. 404 when no live worker has the id. */
  async drainWorker(id: string, options: Signal = {}): Promise<WorkerControlResponse> {
    return this.controlWorker(id, 'drain', options);
  }

  /** Lets a drained worker take jobs again; 409 when it is shutting down. */
  async resumeWorker(id: string, options: Signal = {}): Promise<WorkerControlResponse> {
    return this.controlWorker(id, 'resume', options);
  }

  /** Shuts a worker down as SIGTERM would: running jobs get the grace period, then are handed back. */
  async shutdownWorker(id: string, options: Signal = {}): Promise<WorkerControlResponse> {
    return this.controlWorker(id, 'shutdown', options);
  }

  private async controlWorker(id: string, action: 'drain' | 'resume' | 'shutdown', options: Signal): Promise<WorkerControlResponse> {
    const path = `/v1/workers/${encodeURIComponent(id)}/${action}`;
    return (await this.transport.json(path, WorkerControlResponse, { method: 'POST', signal: options.signal })).data;
  }

  /** Jobs, outcomes and durations per project and task type, for jobs created in a window. */
  async getUsage(options: UsageOptions = {}): Promise<UsageResponse> {
    const { signal, ...query } = options;
    return (await this.transport.json('/v1/usage', UsageResponse, { query, signal })).data;
  }

  async listDeadLetters(options: { queue?: string | undefined; limit?: number | undefined } & Signal = {}): Promise<DeadLetter[]> {
    const { signal, ...query } = options;
    return (await this.transport.json('/v1/dlq', DlqListResponse, { query, signal })).data.items;
  }

  /** Puts a dead job back on its queue, optionally with a corrected input; returns the new job. */
  async requeueDeadLetter(id: string, options: { input?: unknown } & Signal = {}): Promise<JobView> {
    const json = options.input === undefined ? {} : { input: options.input };
    return (await this.transport.json(`${dlqPath(id)}/requeue`, JobView, { method: 'POST', json, signal: options.signal })).data;
  }

  async deleteDeadLetter(id: string, options: Signal = {}): Promise<void> {
    await this.transport.empty(dlqPath(id), { method: 'DELETE', signal: options.signal });
  }

  /** Requeues every dead letter the filter matches (up to `limit`); with `dryRun`, only says which. */
  async requeueDeadLetters(options: BulkDeadLetterOptions = {}): Promise<BulkDlqResponse> {
    return this.bulkDeadLetters('requeue', options);
  }

  /** Discards every dead letter the filter matches (up to `limit`); with `dryRun`, only says which. */
  async discardDeadLetters(options: BulkDeadLetterOptions = {}): Promise<BulkDlqResponse> {
    return this.bulkDeadLetters('discard', options);
  }

  private async bulkDeadLetters(action: 'requeue' | 'discard', options: BulkDeadLetterOptions): Promise<BulkDlqResponse> {
    const { signal, ...json } = options;
    return (await this.transport.json(`/v1/dlq/${action}`, BulkDlqResponse, { method: 'POST', json, signal })).data;
  }

  /** One page of the audit log (admin keys), oldest first from `since`; `nextCursor` continues it. */
  async listAudit(options: AuditListOptions = {}): Promise<AuditListResponse> {
    const { signal, ...query } = options;
    return (await this.transport.json('/v1/audit', AuditListResponse, { query, signal })).data;
  }

  /**
   * Starts a workflow: a spec (build one with chain/group/chord) or a preset such as
   * `{preset: 'reel', topic, targets}`.
   */
  async submitWorkflow(body: WorkflowSpec | ReelPresetBody, options: Signal = {}): Promise<SubmitWorkflowResponse> {
    return (await this.transport.json('/v1/workflows', SubmitWorkflowResponse, { method: 'POST', json: body, signal: options.signal }))
      .data;
  }

  /**
   * A typed workflow builder over this client's tasks:
   * `client.submitWorkflow(client.workflow({ name }).step(...).step(...).build())`.
   */
  workflow(options: Omit<WorkflowOptions, 'tasks'> = {}): WorkflowBuilder<ClientTasks<U>> {
    return workflow<U>(options);
  }

  /** Workflows, newest first, each with the jobs started for it counted by state; `nextCursor` continues. */
  async listWorkflows(options: ListGroupsOptions = {}): Promise<ListGroupsResponse> {
    const { signal, ...query } = options;
    return (await this.transport.json('/v1/workflows', ListGroupsResponse, { query, signal })).data;
  }

  async getWorkflow(id: string, options: Signal = {}): Promise<WorkflowView> {
    return (await this.transport.json(workflowPath(id), WorkflowView, options)).data;
  }

  /** Cancels the workflow's running and waiting steps; returns its id and new status. */
  async cancelWorkflow(id: string, options: Signal = {}): Promise<SubmitWorkflowResponse> {
    return this.workflowAction(id, 'cancel', options);
  }

  /** Runs a failed or cancelled workflow again from its failed steps; returns its id and new status. */
  async retryWorkflow(id: string, options: Signal = {}): Promise<SubmitWorkflowResponse> {
    return this.workflowAction(id, 'retry', options);
  }

  /**
   * Parsed as `{id, status}`, which both a bare status answer and a full WorkflowView
   * satisfy: callers that need the steps read getWorkflow().
   */
  private async workflowAction(id: string, action: 'cancel' | 'retry', options: Signal): Promise<SubmitWorkflowResponse> {
    return (await this.transport.json(`${workflowPath(id)}/${action}`, SubmitWorkflowResponse, { method: 'POST', signal: options.signal }))
      .data;
  }

  /**
   * Resolves with the workflow once it has finished (succeeded, failed or cancelled),
   * following the gateway's event stream of it (pushed, not polled). Throws a
   * ReelayApiError 408 (code TIMEOUT), as `wait` does for a job, when `timeoutMs`
   * (default 30 s) passes first.
   */
  async waitWorkflow(id: string, options: WorkflowWaitOptions = {}): Promise<WorkflowView> {
    return waitForWorkflow(this.transport, id, options);
  }

  /**
   * The workflow's changes until it finishes: each time its status, progress or a step
   * moved, the view and the steps that changed, as the gateway pushes them (SSE).
   */
  workflowEvents(id: string, options: WorkflowEventsOptions = {}): AsyncGenerator<WorkflowEvent, void, undefined> {
    return workflowEvents(this.transport, id, options);
  }

  /** Schedules the key can see, by id; `project` narrows them to one. */
  async listSchedules(options: { project?: string | undefined } & Signal = {}): Promise<ScheduleView[]> {
    const { signal, ...query } = options;
    return (await this.transport.json('/v1/schedules', ScheduleListResponse, { query, signal })).data.items;
  }

  async getSchedule(id: string, options: Signal = {}): Promise<ScheduleView> {
    return (await this.transport.json(schedulePath(id), ScheduleView, options)).data;
  }

  /** Creates a schedule: `spec` is `{cron, timezone?}` or `{everyMs}`; its job is validated now; 409 when the id exists. */
  async createSchedule(body: CreateScheduleOptions, options: Signal = {}): Promise<ScheduleView> {
    return (await this.transport.json('/v1/schedules', ScheduleView, { method: 'POST', json: body, signal: options.signal })).data;
  }

  /** Stops firing; ticks while paused are not caught up on resume. */
  async pauseSchedule(id: string, options: Signal = {}): Promise<ScheduleView> {
    return (await this.transport.json(`${schedulePath(id)}/pause`, ScheduleView, { method: 'POST', signal: options.signal })).data;
  }

  async resumeSchedule(id: string, options: Signal = {}): Promise<ScheduleView> {
    return (await this.transport.json(`${schedulePath(id)}/resume`, ScheduleView, { method: 'POST', signal: options.signal })).data;
  }

  /** Deletes a schedule; 409 for a built-in one (pause it instead). */
  async deleteSchedule(id: string, options: Signal = {}): Promise<void> {
    await this.transport.empty(schedulePath(id), { method: 'DELETE', signal: options.signal });
  }

  /**
   * Runs the schedule's job once, now (POST /v1/schedules/:id/trigger): the gateway
   * submits it to the schedule's project with the `reelay.schedule` label. It is not a
   * tick — the schedule's state (`fired`, `lastJobId`) and its overlap policy do not see
   * it — and a paused schedule can be triggered too. With `idempotencyKey`, a repeated
   * trigger answers the first job (`replayed: true`).
   */
  async triggerSchedule(
    id: string,
    options: { idempotencyKey?: string | undefined } & Signal = {},
  ): Promise<SubmitResult & { scheduleId: string; project: string }> {
    const { data, status } = await this.transport.json(`${schedulePath(id)}/trigger`, TriggerScheduleResponse, {
      method: 'POST',
      headers: { 'idempotency-key': options.idempotencyKey },
      signal: options.signal,
    });
    return { ...data, replayed: status === 200 };
  }

  /** Streams bytes to the artifact store; accepts a Node Readable, a web ReadableStream, a Blob or bytes. */
  async uploadArtifact(source: ArtifactSource, options: UploadOptions): Promise<ArtifactRef> {
    const { data } = await this.transport.json('/v1/artifacts', ArtifactRef, {
      method: 'POST',
      query: { project: options.project, name: options.name },
      headers: { 'content-type': options.contentType ?? 'application/octet-stream' },
      body: toRequestBody(source),
      timeoutMs: options.timeoutMs ?? 0,
      signal: options.signal,
    });
    return data;
  }

  /** Streams an artifact, or one byte range of it. */
  async downloadArtifact(id: string, options: DownloadOptions = {}): Promise<ArtifactDownload> {
    const range = options.range;
    const response = await this.transport.stream(`/v1/artifacts/${encodeURIComponent(id)}`, {
      headers: { accept: '*/*', range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined },
      signal: options.signal,
    });
    const length = response.headers.get('content-length');
    const body = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
      contentLength: length === null ? undefined : Number(length),
      contentRange: response.headers.get('content-range') ?? undefined,
      body,
      bytes: async () => new Uint8Array(await new Response(body).arrayBuffer()),
    };
  }
}

/**
 * `createClient({ baseUrl, apiKey })` is typed by the built-in catalogue; add your own
 * tasks with `createClient({ baseUrl, apiKey, tasks: myTasks })` or
 * `createClient<typeof myTasks>({ baseUrl, apiKey })`.
 */
export function createClient<U extends TaskMap = NoTasks>(options: ClientOptions<U>): ReelayClient<U> {
  return new ReelayClient(options);
}

/** POST /v1/jobs/:id/cancel answers `{job}`: the record after the cancel was recorded. */
const CancelAnswer: ResponseSchema<JobView> = {
  safeParse(data) {
    if (data === null || typeof data !== 'object' || !('job' in data)) {
      return { success: false, error: { issues: [{ path: ['job'], message: 'expected {job}' }] } };
    }
    return JobView.safeParse((data as { job: unknown }).job);
  },
};

function jobPath(id: string): string {
  return `/v1/jobs/${encodeURIComponent(id)}`;
}

function queuePath(name: string): string {
  return `/v1/queues/${encodeURIComponent(name)}`;
}

function workflowPath(id: string): string {
  return `/v1/workflows/${encodeURIComponent(id)}`;
}

function schedulePath(id: string): string {
  return `/v1/schedules/${encodeURIComponent(id)}`;
}

function dlqPath(id: string): string {
  return `/v1/dlq/${encodeURIComponent(id)}`;
}
