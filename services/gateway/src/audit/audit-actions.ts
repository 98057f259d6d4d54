import { type AuditAction, AuditAction as A } from '@reelay/contracts';

/**
 * Which requests the audit log records: method + route pattern → action. One table, so
 * a new state-changing route is audited by adding a line here, not by editing the route.
 * Reads are not audited; nor are routes missing from this table.
 */
export const AUDITED_ROUTES: Readonly<Record<string, AuditAction>> = {
  'POST /v1/jobs': A.jobSubmit,
  'POST /v1/jobs/:id/cancel': A.jobCancel,
  'DELETE /v1/jobs/delayed/:id': A.delayedCancel,
  'POST /v1/batches': A.batchSubmit,
  'POST /v1/workflows': A.workflowSubmit,
  'POST /v1/workflows/:id/cancel': A.workflowCancel,
  'POST /v1/workflows/:id/retry': A.workflowRetry,
  'POST /v1/dlq/:id/requeue': A.dlqRequeue,
  'DELETE /v1/dlq/:id': A.dlqDiscard,
  'POST /v1/dlq/requeue': A.dlqBulkRequeue,
  'POST /v1/dlq/discard': A.dlqBulkDiscard,
  'POST /v1/queues/:name/pause': A.queuePause,
  'POST /v1/queues/:name/resume': A.queueResume,
  'POST /v1/queues/:name/purge': A.queuePurge,
  'POST /v1/schedules': A.scheduleCreate,
  'PUT /v1/schedules/:id': A.scheduleUpdate,
  'PATCH /v1/schedules/:id': A.scheduleUpdate,
  'DELETE /v1/schedules/:id': A.scheduleDelete,
  'POST /v1/schedules/:id/pause': A.schedulePause,
  'POST /v1/schedules/:id/resume': A.scheduleResume,
  'POST /v1/schedules/:id/trigger': A.scheduleTrigger,
  'POST /v1/artifacts': A.artifactUpload,
  'DELETE /v1/artifacts/:id': A.artifactDelete,
  'POST /v1/workers/:id/drain': A.workerDrain,
  'POST /v1/workers/:id/resume': A.workerResume,
  'POST /v1/workers/:id/shutdown': A.workerShutdown,
};

export function auditedAction(method: string, route: string | undefined): AuditAction | undefined {
  return route === undefined ? undefined : AUDITED_ROUTES[`${method} ${route}`];
}
