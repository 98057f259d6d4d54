/**
 * The contracts the dashboard speaks, as types from @reelay/contracts (no runtime code of
 * it is bundled: zod stays out of the browser). The two header and status constants are
 * restated, checked against the contracts' types so a change there fails the build.
 */
import type { AuditAction, AuditOutcome, CSRF_HEADER as CsrfHeader, JobStatus } from '@reelay/contracts';

export type {
  AuditAction,
  AuditListResponse,
  AuditOutcome,
  AuditRecord,
  BatchView,
  BulkDlqBody,
  BulkDlqResponse,
  DeadLetter,
  DelayedJobView,
  JobCountsResponse,
  JobEvent,
  JobGroupSummary,
  ListGroupsResponse,
  JobRecord,
  JobStatus,
  ListJobsResponse,
  QueueView,
  Schedule,
  SessionStatus,
  SessionView,
  TaskView,
  ThroughputResponse,
  WorkerHeartbeat,
  WorkflowStepView,
  WorkflowView,
  WsServerMessage,
} from '@reelay/contracts';

export const CSRF_HEADER: typeof CsrfHeader = 'x-csrf-token';

export const JOB_STATUSES = [
  'scheduled',
  'queued',
  'running',
  'retrying',
  'succeeded',
  'failed',
  'cancelled',
] as const satisfies readonly JobStatus[];

export const TERMINAL: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Every audited action, for the audit page's filter; the check below fails the build when the contracts add or drop one. */
export const AUDIT_ACTIONS = [
  'job.submit',
  'job.cancel',
  'batch.submit',
  'workflow.submit',
  'workflow.cancel',
  'workflow.retry',
  'dlq.requeue',
  'dlq.discard',
  'dlq.bulk-requeue',
  'dlq.bulk-discard',
  'queue.pause',
  'queue.resume',
  'queue.purge',
  'schedule.create',
  'schedule.update',
  'schedule.delete',
  'schedule.pause',
  'schedule.resume',
  'schedule.trigger',
  'delayed.cancel',
  'artifact.upload',
  'artifact.delete',
  'worker.drain',
  'worker.resume',
  'worker.shutdown',
] as const satisfies readonly AuditAction[];
const everyAuditAction: [Exclude<AuditAction, (typeof AUDIT_ACTIONS)[number]>] extends [never] ? true : never = true;
void everyAuditAction;

export const AUDIT_OUTCOMES = ['ok', 'denied', 'rejected', 'failed'] as const satisfies readonly AuditOutcome[];
