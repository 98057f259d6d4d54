import { z } from 'zod';
import { ProjectName } from '../project.js';
import { JobTimeoutMs, MaxAttempts } from '../envelope.js';
import { JobId } from '../identifiers.js';
import { JOB_STATUSES, JobRecord } from '../job-record.js';
import { Priority } from '../priority.js';
import { JobFilterQuery, JobSortOrder } from './job-queries.js';

const Labels = z.record(z.string().max(64), z.string().max(256));

/** POST /v1/jobs (and each item of POST /v1/batches). */
export const SubmitJobBody = z
  .object({
    type: z.string().min(1).max(100),
    input: z.unknown().optional(),
    priority: Priority.optional(),
    project: ProjectName.optional(),
    runAt: z.iso.datetime({ offset: true }).optional(),
    delayMs: z
      .number()
      .int()
      .min(0)
      .max(365 * 24 * 3_600_000)
      .optional(),
    maxAttempts: MaxAttempts.optional(),
    timeoutMs: JobTimeoutMs.optional(),
    labels: Labels.optional(),
  })
  .strict()
  .refine((b) => !(b.runAt && b.delayMs !== undefined), { message: 'give runAt or delayMs, not both', path: ['delayMs'] });
export type SubmitJobBody = z.infer<typeof SubmitJobBody>;

export const SubmitJobResponse = z.object({
  id: z.string(),
  status: z.enum(JOB_STATUSES),
  queue: z.string(),
  priority: Priority,
});
export type SubmitJobResponse = z.infer<typeof SubmitJobResponse>;

/** GET /v1/jobs/:id — the job record as stored. */
export const JobView = JobRecord;
export type JobView = z.infer<typeof JobView>;

export const JobIdParams = z.object({ id: JobId });

/** GET /v1/jobs: the filters of job-queries.ts, a sort order and a page. */
export const ListJobsQuery = JobFilterQuery.extend({
  sort: JobSortOrder.default('-createdAt'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The last id of the previous page; the jobs after it in the sort order come next. */
  cursor: JobId.optional(),
});
export type ListJobsQuery = z.infer<typeof ListJobsQuery>;

export const ListJobsResponse = z.object({
  items: z.array(JobView),
  nextCursor: z.string().optional(),
});
export type ListJobsResponse = z.infer<typeof ListJobsResponse>;

/**
 * GET /v1/jobs/:id/events headers: `Last-Event-ID` is the stream sequence of the last
 * event the client saw; it must be a safe integer to be one.
 */
export const JobEventsHeaders = z
  .object({
    'last-event-id': z
      .string()
      .regex(/^\d{1,16}$/, 'not an event id')
      .refine((s) => Number.isSafeInteger(Number(s)), 'not an event id')
      .optional(),
  })
  .passthrough();

export const WaitQuery = z.object({
  timeoutMs: z.coerce.number().int().min(0).max(300_000).default(30_000),
});

/** Messages on GET /v1/ws. Every id must be a job id: never a wildcard or a subject. */
export const WsClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), jobIds: z.array(JobId).min(1).max(1000) }),
  z.object({ type: z.literal('unsubscribe'), jobIds: z.array(JobId).min(1).max(1000) }),
  z.object({ type: z.literal('ping') }),
]);
export type WsClientMessage = z.infer<typeof WsClientMessage>;

export const WsServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), job: JobView }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type WsServerMessage = z.infer<typeof WsServerMessage>;
