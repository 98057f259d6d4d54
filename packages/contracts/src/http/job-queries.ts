import { z } from 'zod';
import { ProjectName } from '../project.js';
import { JOB_STATUSES } from '../job-record.js';

/** Ids made by Reelay (UUIDv7) and the ids of workflows and batches. */
const GroupId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not an id');
const Instant = z.iso.datetime({ offset: true });

/**
 * The filters of GET /v1/jobs and GET /v1/jobs/counts. Every filter is bounded by the
 * key's projects; a time range is `[after, before)`.
 */
export const JobFilterQuery = z.object({
  project: ProjectName.optional(),
  status: z.enum(JOB_STATUSES).optional(),
  type: z.string().min(1).max(100).optional(),
  queue: z.string().min(1).max(64).optional(),
  /** `key:value`, one label the job was submitted with. */
  label: z
    .string()
    .regex(/^[^:]{1,64}:.{0,256}$/s, 'must be key:value')
    .optional(),
  workflowId: GroupId.optional(),
  batchId: GroupId.optional(),
  /** The code of the job's last error (e.g. FFMPEG_FAILED). */
  errorCode: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'an error code in capitals')
    .optional(),
  createdAfter: Instant.optional(),
  createdBefore: Instant.optional(),
  updatedAfter: Instant.optional(),
  updatedBefore: Instant.optional(),
});
export type JobFilterQuery = z.infer<typeof JobFilterQuery>;

/** `createdAt` is id order (UUIDv7 ids sort by creation); a leading `-` is newest first. */
export const JobSortOrder = z.enum(['-createdAt', 'createdAt', '-updatedAt', 'updatedAt']);
export type JobSortOrder = z.infer<typeof JobSortOrder>;

const StatusCounts = z.record(z.enum(JOB_STATUSES), z.number().int().nonnegative());

/** GET /v1/jobs/counts: how many jobs match the filters, in all and by state. */
export const JobCountsResponse = z.object({
  total: z.number().int().nonnegative(),
  byStatus: StatusCounts,
});
export type JobCountsResponse = z.infer<typeof JobCountsResponse>;

/** GET /v1/workflows and GET /v1/batches: newest first, by cursor. */
export const ListGroupsQuery = z.object({
  project: ProjectName.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The last id of the previous page. */
  cursor: GroupId.optional(),
});
export type ListGroupsQuery = z.infer<typeof ListGroupsQuery>;

/** A workflow or batch in a list: its jobs counted by state (its full view is GET …/:id). */
export const JobGroupSummary = z.object({
  id: z.string(),
  project: z.string(),
  /** Jobs started for it so far (a workflow's later steps appear as they are queued). */
  total: z.number().int().nonnegative(),
  counts: StatusCounts,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Every job started for it has finished. */
  done: z.boolean(),
});
export type JobGroupSummary = z.infer<typeof JobGroupSummary>;

export const ListGroupsResponse = z.object({
  items: z.array(JobGroupSummary),
  nextCursor: z.string().optional(),
});
export type ListGroupsResponse = z.infer<typeof ListGroupsResponse>;

/** GET /v1/usage: jobs created in `[from, to)`, the last 24 hours unless given. */
export const UsageQuery = z.object({
  project: ProjectName.optional(),
  from: Instant.optional(),
  to: Instant.optional(),
});
export type UsageQuery = z.infer<typeof UsageQuery>;

export const UsageRow = z.object({
  project: z.string(),
  type: z.string(),
  jobs: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
  /** Mean and longest start → finish of the finished jobs, ms (null: none finished). */
  meanRunMs: z.number().nullable(),
  maxRunMs: z.number().nullable(),
  /** Mean submit → finish of the finished jobs, ms. */
  meanTotalMs: z.number().nullable(),
});
export type UsageRow = z.infer<typeof UsageRow>;

export const UsageResponse = z.object({
  from: z.string(),
  to: z.string(),
  items: z.array(UsageRow),
});
export type UsageResponse = z.infer<typeof UsageResponse>;
