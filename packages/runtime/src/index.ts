/**
 * @reelay/runtime — what every Reelay service is built from: NATS connection and
 * topology, the worker, the job client, config, logging, tracing, artifacts.
 */
export { ReelayError, PermanentError, TransientError, RetryAfterError, ConfigError, toWireError } from './errors.js';
export { parseEnv, parseEnvOrExit, envInt, envBool } from './config/parse-env.js';
export { RuntimeEnv } from './config/runtime-config.js';
export { createLogger, type Logger } from './logging/logger.js';
export {
  startTelemetry,
  type Telemetry,
  tracer,
  injectTrace,
  extractTrace,
  traceCarrier,
  contextFromCarrier,
  currentTraceId,
  inSpan,
  recordFailure,
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Context,
  type Span,
} from './telemetry/tracing.js';
export { Attr } from './telemetry/attributes.js';
export { connectNats, type NatsContext, type NatsConnectOptions } from './nats/connection.js';
export { ensureTopology, ensureQueue, ensureBuckets, openArtifacts, type Buckets, type TopologyOptions } from './nats/topology.js';
export { JobMessage, parseAckSubject, type Delivery } from './nats/job-message.js';
export { Puller } from './nats/puller.js';
export {
  classifyNatsError,
  type NatsErrorKind,
  isNatsUnavailable,
  isWrongLastSequence,
  isNatsNotFound,
  isNoResponders,
  isAlreadyExists,
} from './nats/nats-errors.js';
export { jsonPayload } from './nats/json-payload.js';
export { uniqueKeys } from './nats/kv-keys.js';
export { DeliverPolicy } from '@nats-io/jetstream';
export type { Subscription } from '@nats-io/transport-node';
export type { KV, KvEntry } from '@nats-io/kv';
export { JobStore, type ProvisionalWrite } from './jobs/job-store.js';
export {
  initialRecord,
  released,
  withLostAttempt,
  attemptStarted,
  succeeded,
  cancelled,
  attemptFailed,
  handedBack,
  deadLettered,
  requeued,
  attemptError,
  cancelledError,
} from './jobs/job-record.js';
export {
  JobClient,
  type EnqueueRequest,
  type EnqueueResult,
  type JobClientOptions,
  type DeadLetterPatch,
  type BulkDeadLetterRequest,
  NotFoundError,
  ConflictError,
  InvalidInputError,
  UnknownTaskError,
  type SubmittableTask,
  idempotencyKvKey,
} from './jobs/job-client.js';
export { newJobId } from './jobs/new-job-id.js';
export { selectDeadLetters, matchesDeadLetter, type DeadLetterSelection, type SelectedDeadLetters } from './jobs/dead-letter-bulk.js';
export { AuditLog, type AuditLogOptions } from './audit/audit-log.js';
export {
  InputCipher,
  type InputCipherKeys,
  EncryptionKeyMissingError,
  DecryptionError,
  containsSealed,
  isEncryptionKey,
} from './crypto/input-cipher.js';
export { followJobEvents, watchJobRecord, type FollowedJob, type JobEventDelivery, type JobWatch } from './jobs/job-watch.js';
export {
  ArtifactStore,
  type GrowingFileMeta,
  type ProjectArtifacts,
  ArtifactNotFoundError,
  contentTypeFor,
  readRange,
} from './artifacts/artifact-store.js';
export type { ArtifactBackend, ByteRange, PartedUpload, StoredArtifact, StoredArtifactMeta } from './artifacts/artifact-backend.js';
export { NatsArtifactBackend } from './artifacts/nats-artifact-backend.js';
export { openArtifactStore, type ArtifactStoreConfig } from './artifacts/open-artifact-store.js';
export { ChildProcesses, killGroup } from './process/child-processes.js';
export { ForbiddenAddressError, isForbiddenAddress, checkLiteralHost, guardedLookup } from './net/address-guard.js';
export { Worker, type WorkerOptions, type WorkerDeps } from './worker/worker.js';
export type { WorkerJobs, RecordStore, DeadLetterWriter, InputOpener } from './worker/worker-jobs.js';
export { timeLimits } from './worker/time-limits.js';
export { implementTask, workerTasks, type TaskImplementation, type TaskHandler } from './worker/task-implementation.js';
export { runWorker, type RunWorkerOptions, type RunningWorker } from './worker/run-worker.js';
export { RecycleEnv, recycleOptions } from './worker/recycle-env.js';
export { Recycler, type RecycleLimits } from './worker/recycle.js';
export { controlWorker, WorkerControl, type ControlledWorker } from './worker/worker-control.js';
/** The contract side of a task, re-exported so a worker package needs one import. */
export { defineTask, type TaskDefinition } from '@reelay/contracts';
export { TaskRegistry, TaskConflictError, declareTask, type TaskDeclaration } from './tasks/task-registry.js';
export { JsonSchemaValidator, type SchemaIssue } from './tasks/json-schema-validator.js';
export { taskViews } from './tasks/task-views.js';
export type { JobContext, Handler } from './worker/job-context.js';
export { CancelledError, SoftTimeoutError, HardTimeoutError, ShutdownError } from './worker/abort-reasons.js';
export { backoffDelayMs } from './worker/backoff.js';
export { BandOrder } from './worker/band-order.js';
export { settle, type AttemptOutcome, type Settlement } from './worker/settle.js';
export { RateLimiter } from './worker/rate-limiter.js';
export { probeGpus } from './worker/host-stats.js';
export { systemHandlers, systemTaskImplementations } from './worker/system-handlers.js';
export { abortableSleep } from './worker/abortable-sleep.js';
export { startServiceRuntime, onShutdownSignal, type ServiceRuntime } from './service.js';
export { HealthEnv } from './health/health-env.js';
export { ServiceMonitor, type ProbeResult } from './health/service-monitor.js';
export { startHealthServer, type HealthServer } from './health/health-server.js';
export type { WorkerObserver, ObservedWorker } from './health/worker-observer.js';
export { entryPackageVersion } from './telemetry/service-resource.js';
export {
  WorkflowClient,
  type WorkflowClientOptions,
  expandReelPreset,
  expandBookPreset,
  colourCardPng,
  stepJobKey,
  stepsDue,
} from './workflows/index.js';
