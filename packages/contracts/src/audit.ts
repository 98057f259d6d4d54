import { z } from 'zod';

/**
 * The audit log: who did what through the gateway. One record per state-changing
 * request (and per refused one), written by the gateway to its own stream `AUDIT` (kept
 * for AUDIT_MAX_AGE_DAYS) on `audit.<project token>.<resource>.<verb>`, so a query by
 * project or action is a subject filter on the server, not a scan.
 */
export const AUDIT_STREAM = 'AUDIT';
export const AUDIT_SUBJECTS = ['audit.>'];

/** Every audited action, `resource.verb`: two subject tokens. */
export const AuditAction = {
  jobSubmit: 'job.submit',
  jobCancel: 'job.cancel',
  batchSubmit: 'batch.submit',
  workflowSubmit: 'workflow.submit',
  workflowCancel: 'workflow.cancel',
  workflowRetry: 'workflow.retry',
  dlqRequeue: 'dlq.requeue',
  dlqDiscard: 'dlq.discard',
  dlqBulkRequeue: 'dlq.bulk-requeue',
  dlqBulkDiscard: 'dlq.bulk-discard',
  queuePause: 'queue.pause',
  queueResume: 'queue.resume',
  queuePurge: 'queue.purge',
  scheduleCreate: 'schedule.create',
  scheduleUpdate: 'schedule.update',
  scheduleDelete: 'schedule.delete',
  schedulePause: 'schedule.pause',
  scheduleResume: 'schedule.resume',
  scheduleTrigger: 'schedule.trigger',
  delayedCancel: 'delayed.cancel',
  artifactUpload: 'artifact.upload',
  artifactDelete: 'artifact.delete',
  workerDrain: 'worker.drain',
  workerResume: 'worker.resume',
  workerShutdown: 'worker.shutdown',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];
export const AUDIT_ACTIONS = Object.values(AuditAction) as [AuditAction, ...AuditAction[]];

/**
 * `ok` 2xx; `denied` 401/403 (the key may not); `rejected` another 4xx (bad input, not
 * found, conflict); `failed` 5xx.
 */
export const AuditOutcome = z.enum(['ok', 'denied', 'rejected', 'failed']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

export function auditOutcome(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403) return 'denied';
  if (status < 500) return 'rejected';
  return 'failed';
}

export const AuditRecord = z.object({
  /** The AUDIT stream sequence: the record's id and the paging cursor. */
  seq: z.number().int().positive(),
  at: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  outcome: AuditOutcome,
  status: z.number().int(),
  /** The API key's name and id (a hash prefix, never the key); absent when none was valid. */
  key: z.object({ name: z.string(), id: z.string() }).optional(),
  /** The project acted in, when one is known (the job's, the request's or the key's only one). */
  project: z.string().optional(),
  /** What was acted on: a job, workflow, schedule, queue, worker or artifact id. */
  target: z.string().optional(),
  method: z.string(),
  /** The route pattern, e.g. `/v1/jobs/:id/cancel`. */
  route: z.string(),
  requestId: z.string(),
  ip: z.string().optional(),
  /** The error code of a refused request. */
  errorCode: z.string().optional(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** What is written to the stream: the record without its sequence (the stream gives it). */
export const AuditEntry = AuditRecord.omit({ seq: true });
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * A project name as one subject token: base64url of its UTF-8 bytes (`_` for none), so
 * any project name is safe in a subject and a filter by it is exact.
 */
export function auditProjectToken(project: string | undefined): string {
  if (project === undefined || project === '') return '_';
  const bytes = new TextEncoder().encode(project);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `p${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

export function auditSubject(project: string | undefined, action: AuditAction): string {
  return `audit.${auditProjectToken(project)}.${action}`;
}

/** The filter subject for a query: `audit.<project|*>.<resource|*>.<verb|*>`. */
export function auditFilterSubject(project: string | undefined, action: AuditAction | undefined): string {
  const p = project === undefined ? '*' : auditProjectToken(project);
  return `audit.${p}.${action ?? '*.*'}`;
}

// ---- REST: GET /v1/audit (admin) ----

/**
 * Filters AND together. Records come oldest first from `since` (or the stream's start);
 * `cursor` is the `nextCursor` of the previous page (a stream sequence).
 */
export const AuditQuery = z
  .object({
    project: z.string().min(1).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    /** An API key's name. */
    key: z.string().min(1).optional(),
    target: z.string().min(1).optional(),
    outcome: AuditOutcome.optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z
      .string()
      .regex(/^\d{1,16}$/, 'not a cursor')
      .optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditListResponse = z.object({
  items: z.array(AuditRecord),
  /** Pass as `cursor` for the next page; absent when the log has no more records now. */
  nextCursor: z.string().optional(),
});
export type AuditListResponse = z.infer<typeof AuditListResponse>;
