/**
 * The contracts the dashboard speaks, as types from @reelay/contracts (no runtime code of
 * it is bundled: zod stays out of the browser). The two header and status constants are
 * restated, checked against the contracts' types so a change there fails the build.
 */
import type { CSRF_HEADER as CsrfHeader, JobStatus, ScheduleLabel } from '@reelay/contracts';

export type {
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

/** The label a schedule's jobs carry (ScheduleLabel.scheduleId): "trigger now" sets it as a tick does. */
export const SCHEDULE_LABEL: (typeof ScheduleLabel)['scheduleId'] = 'reelay.schedule';
