/**
 * @reelay/contracts — the single source of truth for every message Reelay sends.
 * Pure: zod schemas, types and names; no I/O, so the SDK and a browser can load it.
 */
export { Priority, PriorityBand, PRIORITY_BANDS, bandFor } from './priority.js';
export { ErrorCode, WireError, AttemptError } from './errors.js';
export { RetryPolicy, DEFAULT_RETRY_POLICY } from './retry-policy.js';
export { JobEnvelope } from './envelope.js';
export { JobStatus, JOB_STATUSES, TERMINAL_STATUSES, isTerminal, JobRecord } from './job-record.js';
export { JobEventKind, JobEvent, SystemEvent, clampPercent } from './events.js';
export { DeadLetter, DeadLetterReason } from './dead-letter.js';
export { GpuInfo, WorkerHeartbeat } from './worker-heartbeat.js';
export { ArtifactRef, ArtifactId } from './artifact.js';
export {
  DEFAULT_QUEUES,
  QUEUE_NAME_PATTERN,
  jobsStream,
  jobsSubject,
  jobsSubjectWildcard,
  bandConsumer,
  EVENTS_STREAM,
  EVENTS_SUBJECTS,
  jobEventSubject,
  ALL_JOB_EVENTS,
  systemEventSubject,
  DLQ_STREAM,
  DLQ_SUBJECTS,
  dlqSubject,
  CONTROL_STREAM,
  cancelSubject,
  ALL_CANCELS,
  DELAYED_STREAM,
  DELAYED_SUBJECTS,
  delayedSubject,
  BucketNames,
  type BucketName,
  ARTIFACTS_BUCKET,
  MAX_DELIVERIES_ADVISORY_PREFIX,
} from './subjects.js';
export { defineTask, type TaskDefinition, type RateLimit } from './catalogue.js';
export {
  taskCatalogue,
  isKnownTask,
  getTask,
  type TaskCatalogue,
  type TaskType,
  type TaskInput,
  type TaskOutput,
} from './task-catalogue.js';
export { NoopInput, NoopOutput, SleepInput, SleepOutput, systemTasks } from './tasks/system.js';
// -- media family (services/render-gpu) --
// -- ai family (services/ai) --
// -- publish family (services/publisher) --
// -- http bodies (services/gateway) --
// -- workflows (services/scheduler) --
