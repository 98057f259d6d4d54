/**
 * Every stream, subject, consumer and bucket name in Reelay. Nothing else spells them.
 */
export const DEFAULT_QUEUES = [
  'media',
  'media-gpu',
  'ai',
  'publish',
  'system',
  'book-generation',
  'book-validation',
  'book-export',
] as const;

/** Queue names end up in subjects and stream names: keep them to safe characters. */
export const QUEUE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export function jobsStream(queue: string): string {
  return `JOBS_${queue.toUpperCase().replace(/-/g, '_')}`;
}
export function jobsSubject(queue: string, band: string): string {
  return `jobs.${queue}.${band}`;
}
export function jobsSubjectWildcard(queue: string): string {
  return `jobs.${queue}.>`;
}
export function bandConsumer(queue: string, band: string): string {
  return `${queue}-${band}`;
}

export const EVENTS_STREAM = 'EVENTS';
export const EVENTS_SUBJECTS = ['events.>'];
export function jobEventSubject(jobId: string): string {
  return `events.jobs.${jobId}`;
}
export const ALL_JOB_EVENTS = 'events.jobs.>';
export function systemEventSubject(kind: string): string {
  return `events.system.${kind}`;
}

export const DLQ_STREAM = 'DLQ';
export function dlqSubject(queue: string, jobId: string): string {
  return `dlq.${queue}.${jobId}`;
}
export const DLQ_SUBJECTS = ['dlq.>'];

/** Cancellations: small, rare, replayed by every worker on start. */
export const CONTROL_STREAM = 'CONTROL';
export function cancelSubject(jobId: string): string {
  return `control.cancel.${jobId}`;
}
export const ALL_CANCELS = 'control.cancel.>';
/** Queue pause/resume is a KV record; workers watch it. */

/** Jobs waiting for their runAt; released by the scheduler. */
export const DELAYED_STREAM = 'DELAYED';
export function delayedSubject(jobId: string): string {
  return `delayed.${jobId}`;
}
export const DELAYED_SUBJECTS = ['delayed.>'];
/** Header on a delayed job's message: when it may run (ISO time). */
export const RUN_AT_HEADER = 'Reelay-Run-At';

export const BucketNames = {
  workers: 'workers',
  idempotency: 'idempotency',
  schedules: 'schedules',
  workflows: 'workflows',
  publications: 'publications',
  locks: 'locks',
  rateLimits: 'ratelimits',
  queueState: 'queues',
  batches: 'batches',
  tasks: 'tasks',
} as const;
export type BucketName = (typeof BucketNames)[keyof typeof BucketNames];

export const ARTIFACTS_BUCKET = 'artifacts';

export const MAX_DELIVERIES_ADVISORY_PREFIX = '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES';
