import { z } from 'zod';

/**
 * The recycle limits of a worker service (worker/recycle.ts), for services to extend
 * their config with: `RuntimeEnv.extend(RecycleEnv.shape)`, then `...recycleOptions(config)`
 * in the Worker's options. Unset, a worker never recycles.
 */
export const RecycleEnv = z.object({
  WORKER_MAX_JOBS: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'Exit cleanly (code 0) after this many jobs, for the supervisor to start a fresh process (Celery worker_max_tasks_per_child). Unset: never.',
    ),
  WORKER_MAX_RSS_MB: z.coerce
    .number()
    .int()
    .min(16)
    .optional()
    .describe(
      'Exit cleanly once resident memory is above this many MiB after a job; running jobs get the shutdown grace period, then are handed back (Celery worker_max_memory_per_child). Unset: never.',
    ),
});
export type RecycleEnv = z.output<typeof RecycleEnv>;

export function recycleOptions(config: Partial<RecycleEnv>): { maxJobs?: number; maxRssMb?: number } {
  return {
    ...(config.WORKER_MAX_JOBS !== undefined ? { maxJobs: config.WORKER_MAX_JOBS } : {}),
    ...(config.WORKER_MAX_RSS_MB !== undefined ? { maxRssMb: config.WORKER_MAX_RSS_MB } : {}),
  };
}
