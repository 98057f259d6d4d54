/**
 * @reelay/sdk — the typed client for the Reelay gateway. The `reelay` CLI (src/cli) is
 * built on it and is not exported: it is a program, not a library.
 */
export { createClient, ReelayClient } from './client/reelay-client.js';
export type {
  ClientOptions,
  ListJobsOptions,
  CountJobsOptions,
  ListGroupsOptions,
  UsageOptions,
  CreateScheduleOptions,
  AuditListOptions,
  BulkDeadLetterOptions,
  SubmitResult,
  UploadOptions,
  DownloadOptions,
  ByteRange,
  ArtifactDownload,
  Signal,
} from './client/reelay-client.js';
export { JobHandle, type JobOperations } from './client/job-handle.js';
export type { WatchJobsOptions, WebSocketConstructor, WebSocketLike } from './client/job-socket.js';
export {
  isWorkflowFinished,
  type WorkflowEvent,
  type WorkflowEventsOptions,
  type WorkflowWaitOptions,
} from './client/workflow-events.js';
export type { ClientTasks, NoTasks, TaskTypeOf } from './client/task-typing.js';
export {
  workflow,
  WorkflowBuilder,
  type WorkflowOptions,
  type StepInput,
  type StepOptions,
  type ErrorStepOptions,
} from './client/workflow-builder.js';
export type {
  TypedJob,
  JobStreamEvent,
  TypedJobStreamEvent,
  SubmitOptions,
  BatchItem,
  WaitOptions,
  EventsOptions,
} from './client/job-types.js';
export { ReelayError, ReelayApiError, ReelayConnectionError, ReelayProtocolError } from './client/errors.js';
export { JobFailedError } from './client/job-failed-error.js';
export {
  Transport,
  DEFAULT_TIMEOUT_MS,
  type TransportOptions,
  type RequestOptions,
  type ResponseSchema,
  type FetchFn,
} from './client/transport.js';
export { resumableSse, type ResumableSseOptions, type SseMessage } from './client/sse-reader.js';
export type { ArtifactSource } from './client/artifact-body.js';
// The contracts' types callers meet in the SDK's signatures, so one import is enough.
export type {
  TaskType,
  TaskInput,
  TaskOutput,
  TaskDefinition,
  TaskMap,
  TaskMapInput,
  TaskMapOutput,
  TargetedStepRef,
  JobView,
  JobStatus,
  JobEvent,
  BatchView,
  QueueView,
  DeadLetter,
  WorkerHeartbeat,
  ArtifactRef,
  SubmitJobBody,
  WorkflowSpec,
  WorkflowView,
  WorkflowStepView,
  WorkflowStatus,
  ScheduleView,
  ScheduleSpec,
  ScheduledJob,
  ScheduleState,
  OverlapPolicy,
  CreateScheduleBody,
  AuditRecord,
  JobCountsResponse,
  JobGroupSummary,
  ListGroupsResponse,
  JobSortOrder,
  UsageResponse,
  TaskView,
  DelayedJobView,
  UsageRow,
  WorkerControlResponse,
  WorkerState,
  AuditAction,
  BulkDlqResponse,
  BulkDlqItem,
  DlqFilter,
  SubmitWorkflowResponse,
  ReelPresetBody,
  WorkflowStep,
  Flow,
  FlowPart,
} from '@reelay/contracts';
// Task maps for a typed client: `createClient({ baseUrl, tasks: taskMap(resize, quote) })`.
export { defineTask, taskMap } from '@reelay/contracts';
// Untyped workflow builders: `client.submitWorkflow({ name, ...chain(a, group(b, c), d) })`;
// `workflow()` above is the typed one. `ref` serves both.
export { chain, group, chord, ref } from '@reelay/contracts';
