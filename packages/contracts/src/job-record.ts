import { z } from 'zod';
import { JobEnvelope } from './envelope.js';
import { AttemptError, WireError } from './errors.js';

export const JobStatus = {
  scheduled: 'scheduled',
  queued: 'queued',
  running: 'running',
  retrying: 'retrying',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];
export const JOB_STATUSES = Object.values(JobStatus) as [JobStatus, ...JobStatus[]];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];
export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * The latest snapshot of a job. Every state change publishes the whole record as one
 * event, so the latest is one direct get of the last message on the job's subject.
 */
export const JobRecord = JobEnvelope.extend({
  status: z.enum(JOB_STATUSES),
  progress: z.number().min(0).max(100),
  stage: z.string().optional(),
  /** Attempts started so far. */
  attempts: z.number().int().nonnegative(),
  /** Redeliveries that did not spend an attempt (rate limits, retry-after, shutdown). */
  freeRedeliveries: z.number().int().nonnegative(),
  error: WireError.optional(),
  errors: z.array(AttemptError),
  result: z.unknown().optional(),
  runAt: z.string().optional(),
  /** While `retrying` (or handed back with a delay): when the next attempt is due. */
  retryAt: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  updatedAt: z.string(),
  workerId: z.string().optional(),
  /** Set while a cancel is pending on a running job. */
  cancelRequested: z.boolean().optional(),
});
export type JobRecord = z.infer<typeof JobRecord>;
