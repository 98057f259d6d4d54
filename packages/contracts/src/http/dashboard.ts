import { z } from 'zod';

/** GET /v1/stats/throughput — finished jobs per minute, for the dashboard's charts. */
export const ThroughputQuery = z.object({
  /** How far back, in minutes. @default 60 */
  minutes: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
  project: z.string().optional(),
});
export type ThroughputQuery = z.infer<typeof ThroughputQuery>;

export const ThroughputBucket = z.object({
  /** Start of the minute (ISO 8601). */
  at: z.string(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
  /** Attempts that failed and will be retried (a job's errors, by their time). */
  retried: z.number().int().nonnegative(),
});
export type ThroughputBucket = z.infer<typeof ThroughputBucket>;

/** Oldest bucket first; one per minute, empty minutes included. */
export const ThroughputResponse = z.object({
  buckets: z.array(ThroughputBucket),
  /** More jobs were updated in the window than one answer reads: the counts are a lower bound. */
  truncated: z.boolean(),
});
export type ThroughputResponse = z.infer<typeof ThroughputResponse>;
