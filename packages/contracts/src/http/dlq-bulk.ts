import { z } from 'zod';
import { QueueName } from '../identifiers.js';
import { TaskTypeName } from '../task-registry.js';

/**
 * Bulk operations on the dead-letter queue — the reels system's
 * `POST /tasks/admin/requeue?max_age_hours=24`, with more filters and a dry run:
 *
 *   POST /v1/dlq/requeue  {queue?, type?, errorCode?, reason?, project?, maxAgeHours?, minAgeHours?, limit?, dryRun?}
 *   POST /v1/dlq/discard  (same body)
 *
 * Every filter given must match (AND); none given matches every dead letter the key may
 * see. A key only ever touches dead letters of its own projects, whatever the filter
 * says. `dryRun: true` answers with what would be done and changes nothing.
 */
export const DlqFilter = z
  .object({
    queue: QueueName.optional(),
    type: TaskTypeName.optional(),
    /** The dead letter's final error code (e.g. `PROVIDER_ERROR`, `WORKER_LOST`). */
    errorCode: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'not an error code')
      .optional(),
    reason: z.enum(['exhausted', 'permanent', 'max-deliveries']).optional(),
    /** Only this project's dead letters (the key must be allowed to use it). */
    project: z.string().min(1).optional(),
    /** Died at most this many hours ago (the reels system's `max_age_hours`). */
    maxAgeHours: z
      .number()
      .positive()
      .max(24 * 365)
      .optional(),
    /** Died at least this many hours ago. */
    minAgeHours: z
      .number()
      .nonnegative()
      .max(24 * 365)
      .optional(),
  })
  .strict();
export type DlqFilter = z.infer<typeof DlqFilter>;

/** At most this many dead letters are acted on per call; `truncated` says more matched. */
export const DLQ_BULK_MAX = 10_000;

export const BulkDlqBody = DlqFilter.extend({
  /** Count and list what would be done; change nothing. @default false */
  dryRun: z.boolean().default(false),
  /** At most this many dead letters, oldest first. @default 1000 */
  limit: z.number().int().min(1).max(DLQ_BULK_MAX).default(1_000),
}).strict();
export type BulkDlqBody = z.infer<typeof BulkDlqBody>;

export const BulkDlqItemOutcome = z.enum(['matched', 'requeued', 'discarded', 'failed']);
export type BulkDlqItemOutcome = z.infer<typeof BulkDlqItemOutcome>;

export const BulkDlqItem = z.object({
  id: z.string(),
  type: z.string(),
  queue: z.string(),
  project: z.string(),
  errorCode: z.string(),
  deadAt: z.string(),
  /** `matched` in a dry run; otherwise what happened to this one. */
  outcome: BulkDlqItemOutcome,
  /** Why this one failed (outcome `failed`): e.g. CONFLICT when it was requeued meanwhile. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type BulkDlqItem = z.infer<typeof BulkDlqItem>;

export const BulkDlqResponse = z.object({
  action: z.enum(['requeue', 'discard']),
  dryRun: z.boolean(),
  /** Dead letters that match the filter (up to `limit`). */
  matched: z.number().int().nonnegative(),
  /** Of those, requeued or discarded (0 in a dry run). */
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** More dead letters matched than `limit`: call again. */
  truncated: z.boolean(),
  items: z.array(BulkDlqItem),
});
export type BulkDlqResponse = z.infer<typeof BulkDlqResponse>;
