/**
 * @reelay/contracts — the single source of truth for every message Reelay sends.
 * Pure: zod schemas, types and names; no I/O, so the SDK and a browser can load it.
 */
export { Priority, PriorityBand, PRIORITY_BANDS, bandFor } from './priority.js';
export { ErrorCode, WireError, AttemptError } from './errors.js';
export { RetryPolicy, DEFAULT_RETRY_POLICY } from './retry-policy.js';
export { JobEnvelope, MaxAttempts, JobTimeoutMs } from './envelope.js';
export { JobStatus, JOB_STATUSES, TERMINAL_STATUSES, isTerminal, JobRecord } from './job-record.js';
export { JobEventKind, JobEvent, SystemEvent, clampPercent } from './events.js';
export { DeadLetter, DeadLetterReason } from './dead-letter.js';
export { GpuInfo, WorkerHeartbeat } from './worker-heartbeat.js';
export { ArtifactRef, ArtifactId, ArtifactUploadQuery } from './artifact.js';
export { ProjectName } from './project.js';
export { JobId, QueueName } from './identifiers.js';
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
  RUN_AT_HEADER,
} from './subjects.js';
export {
  defineTask,
  taskMap,
  type TaskDefinition,
  type RateLimit,
  type TaskSchemas,
  type TaskMap,
  type TaskMapInput,
  type TaskMapOutput,
  type TaskMapOf,
} from './catalogue.js';
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
export {
  GpuPreference,
  VideoCodec,
  AudioCodec,
  Container,
  EncodePreset,
  CONTAINER_CODECS,
  MediaStream,
  MediaInfo,
  MediaResult,
  MediaProbeInput,
  MediaProbeOutput,
  MediaTranscodeInput,
  MediaTranscodeOutput,
  ImageFormat,
  MediaThumbnailsInput,
  MediaThumbnailsOutput,
  TransitionType,
  RenderScene,
  SceneMotion,
  SubtitleStyle,
  TextCard,
  MediaRenderInput,
  MediaRenderOutput,
  Platform,
  PLATFORM_PRESETS,
  MediaOptimizeInput,
  MediaOptimizeOutput,
  MediaDownloadInput,
  MediaDownloadOutput,
  mediaTasks,
} from './tasks/media.js';
// -- ai family (services/ai) --
export {
  AiProvider,
  AiUsage,
  ScriptScene,
  ScriptInput,
  ScriptOutput,
  HashtagsInput,
  HashtagsOutput,
  VariationsInput,
  HookVariation,
  VariationsOutput,
  QualityInput,
  QualityCheck,
  QualityMetrics,
  QualityOutput,
  TtsInput,
  TimedSentence,
  TtsOutput,
  CaptionsInput,
  CaptionCue,
  CaptionsOutput,
  WordCaptionStyle,
  WordTimingSource,
  CaptionWord,
  CaptionScene,
  TranscribeInput,
  TimedWord,
  TranscriptSegment,
  TranscribeOutput,
  aiTasks,
} from './tasks/ai.js';
// -- ai media tasks (services/ai): images, music bed, talking avatar --
export {
  AiMediaProvider,
  MediaMood,
  ImageInput,
  ImageLayer,
  ImageOutput,
  MusicInput,
  MusicOutput,
  AvatarInput,
  AvatarOutput,
  aiMediaTasks,
} from './tasks/ai-media.js';
// -- publish family (services/publisher) --
export {
  PublishPlatform,
  YoutubePublishInput,
  YoutubePublishOutput,
  TiktokPublishInput,
  TiktokPublishOutput,
  InstagramPublishInput,
  InstagramPublishOutput,
  XPublishInput,
  XPublishOutput,
  WebhookPublishInput,
  WebhookPublishOutput,
  FolderPublishInput,
  FolderPublishOutput,
  Publication,
  PLATFORM_ACCOUNT_QUOTAS,
  publishTasks,
} from './tasks/publish.js';
// -- http bodies (services/gateway) --
export { ErrorResponse, HttpErrorCode, HTTP_STATUS_BY_CODE } from './http/errors.js';
export {
  SubmitJobBody,
  SubmitJobResponse,
  JobView,
  JobIdParams,
  JobEventsHeaders,
  ListJobsQuery,
  ListJobsResponse,
  WaitQuery,
  WsClientMessage,
  WsServerMessage,
} from './http/jobs.js';
export { SubmitBatchBody, SubmitBatchResponse, BatchView } from './http/batches.js';
export {
  JobFilterQuery,
  JobSortOrder,
  JobCountsResponse,
  ListGroupsQuery,
  JobGroupSummary,
  ListGroupsResponse,
  UsageQuery,
  UsageRow,
  UsageResponse,
} from './http/job-queries.js';
export { QueueBandStats, QueueView, QueueListResponse, QueueNameParams, PurgeResponse } from './http/queues.js';
export { DlqQuery, DlqListResponse, RequeueBody } from './http/dlq.js';
export { WorkerListResponse } from './http/workers.js';
export {
  DlqFilter,
  DLQ_BULK_MAX,
  BulkDlqBody,
  BulkDlqItemOutcome,
  BulkDlqItem,
  BulkDlqResponse,
} from './http/dlq-bulk.js';
export {
  WorkerControlAction,
  WORKER_CONTROL_ACTIONS,
  WorkerState,
  WorkerControlCommand,
  WorkerControlReply,
  WorkerRecycleReason,
  WORKER_ID_PATTERN,
  WorkerId,
  workerControlSubject,
  WorkerHoldsQuery,
  WorkerHoldsReply,
  workerHoldsSubject,
  WorkerIdParams,
  WorkerControlResponse,
} from './worker-control.js';
export {
  AUDIT_STREAM,
  AUDIT_SUBJECTS,
  AuditAction,
  AUDIT_ACTIONS,
  AuditOutcome,
  auditOutcome,
  AuditRecord,
  AuditEntry,
  auditProjectToken,
  auditSubject,
  auditFilterSubject,
  AuditQuery,
  AuditListResponse,
} from './audit.js';
export {
  SENSITIVE_PATH_PATTERN,
  SensitivePath,
  REDACTED_VALUE,
  EncryptedValue,
  isEncryptedValue,
  redactEncrypted,
} from './sensitive-input.js';
export { ApiScope, ApiKeyEntry, ApiKeysFile } from './http/auth.js';
export { SESSION_COOKIE, CSRF_HEADER, CreateSessionBody, SessionView, SessionStatus } from './http/session.js';
export { ThroughputQuery, ThroughputBucket, ThroughputResponse } from './http/dashboard.js';
// -- workflows (services/scheduler) --
export {
  STEP_ID_PATTERN,
  ERROR_STEP_ID,
  StepRef,
  WorkflowStep,
  ErrorStep,
  WorkflowSpec,
  WorkflowStatus,
  WORKFLOW_STATUSES,
  StepStatus,
  STEP_STATUSES,
  StepState,
  WorkflowRecord,
  isStepRef,
  parseStepRef,
  collectStepRefs,
  ref,
  chain,
  group,
  chord,
  type ParsedRef,
  type TargetedStepRef,
  type Flow,
  type FlowPart,
} from './workflows.js';
export {
  ReelTarget,
  ReelPresetBody,
  PresetResolution,
  PresetCaptions,
  AiVideoPresetBody,
  SubmitWorkflowBody,
  SubmitWorkflowResponse,
  WorkflowIdParams,
  StepViewStatus,
  WorkflowStepView,
  WorkflowView,
} from './http/workflows.js';
export {
  CleanupInput,
  CleanupOutput,
  DlqSummaryInput,
  DlqSummaryOutput,
  HealthCheckInput,
  HealthCheckOutput,
  UpkeepEventKind,
  upkeepTasks,
} from './tasks/upkeep.js';
export {
  OverlapPolicy,
  OVERLAP_POLICIES,
  SCHEDULE_ID_PATTERN,
  BUILT_IN_SCHEDULE_PREFIX,
  cronProblem,
  isTimeZone,
  CronExpression,
  TimeZone,
  ScheduleSpec,
  ScheduledJob,
  ScheduleState,
  Schedule,
  ScheduleLabel,
  tickIdempotencyKey,
  scheduledJobRequest,
  type ScheduledJobRequest,
} from './schedules.js';
export {
  CreateScheduleBody,
  ScheduleView,
  ScheduleIdParams,
  ScheduleListQuery,
  ScheduleListResponse,
  TriggerScheduleHeaders,
  TriggerScheduleResponse,
  DelayedJobsQuery,
  DelayedJobView,
  DelayedJobsResponse,
} from './http/schedules.js';
export {
  TASK_TYPE_PATTERN,
  TaskTypeName,
  RateLimitSpec,
  JsonSchemaDocument,
  RegisteredTask,
} from './task-registry.js';
export { TaskWorker, TaskView, TaskListResponse, TaskTypeParams } from './http/tasks.js';
export {
  BOOK_CHAPTER_CONTENT_TYPE,
  BookSourceId,
  BookSource,
  BookSourceRef,
  Citation,
  BookParagraph,
  BookSection,
  BookPartKind,
  BookChapter,
  OutlineChapter,
  BookOutline,
  BookManifest,
} from './tasks/book-document.js';
export {
  BOOK_GENERATION_QUEUE,
  BOOK_VALIDATION_QUEUE,
  BookWriterName,
  BookValidationReason,
  BookValidationReport,
  BookPartSummary,
  BookOutlineInput,
  BookOutlineOutput,
  BookChapterInput,
  BookRegenerateInput,
  BookChaptersInput,
  BookChaptersOutput,
  BookFrameInput,
  BookValidateLengthInput,
  BookValidateSourcesInput,
  BookValidateQualityInput,
  BookValidateBookInput,
  BookValidateOutput,
  bookTasks,
  BookTarget,
  BookPresetBody,
} from './tasks/book.js';
export {
  BOOK_EXPORT_QUEUE,
  BookExportFormat,
  BOOK_EXPORT_CONTENT_TYPES,
  BookExportOptions,
  BookExportInput,
  BookExportOutput,
  BookPdfExportOutput,
  BookExportAllOutput,
  bookExportTasks,
} from './tasks/book-export.js';
