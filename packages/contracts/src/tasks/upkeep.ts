import { z } from 'zod';
import { defineTask } from '../catalogue.js';

/**
 * Upkeep: the housekeeping jobs the scheduler's built-in schedules enqueue on the
 * `system` queue, served by the scheduler's own worker. Their inputs carry the limits
 * (filled from the scheduler's config by the built-in schedules), so an operator can
 * also run one by hand with other limits.
 */

export const CleanupInput = z.object({
  /** Artifacts older than this are deleted. */
  maxAgeHours: z.number().positive(),
  /** Past this total, the oldest artifacts are deleted until the store fits. 0 = no limit. */
  maxTotalBytes: z.number().int().nonnegative().default(0),
});
export type CleanupInput = z.input<typeof CleanupInput>;
export const CleanupOutput = z.object({
  deleted: z.array(z.string()),
  deletedBytes: z.number().int().nonnegative(),
  remaining: z.number().int().nonnegative(),
  remainingBytes: z.number().int().nonnegative(),
});
export type CleanupOutput = z.infer<typeof CleanupOutput>;

export const DlqSummaryInput = z.object({
  /** The window counted: jobs that finished in the last this-many minutes. */
  windowMinutes: z
    .number()
    .positive()
    .max(7 * 24 * 60),
  /** failed / (failed + succeeded) above this raises the alert. */
  threshold: z.number().min(0).max(1),
  /** Fewer finished jobs than this in the window never alert (one failure is not a rate). */
  minJobs: z.number().int().min(1).default(10),
});
export type DlqSummaryInput = z.input<typeof DlqSummaryInput>;
export const DlqSummaryOutput = z.object({
  windowMinutes: z.number(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  failureRate: z.number().min(0).max(1),
  alerted: z.boolean(),
  /** Dead letters waiting, per queue. */
  deadLetters: z.record(z.string(), z.number().int().nonnegative()),
});
export type DlqSummaryOutput = z.infer<typeof DlqSummaryOutput>;

export const HealthCheckInput = z.object({
  /** A heartbeat older than this (about two heartbeat intervals) marks its worker stale. */
  staleAfterMs: z.number().int().positive(),
});
export type HealthCheckInput = z.input<typeof HealthCheckInput>;
export const HealthCheckOutput = z.object({
  workers: z.number().int().nonnegative(),
  stale: z.array(z.object({ id: z.string(), service: z.string(), lastBeatAt: z.string(), ageMs: z.number() })),
});
export type HealthCheckOutput = z.infer<typeof HealthCheckOutput>;

/** SystemEvent kinds the upkeep tasks publish on `events.system.<kind>`. */
export const UpkeepEventKind = {
  failureRate: 'failure-rate',
  dlqSummary: 'dlq-summary',
  workerStale: 'worker-stale',
  cleanup: 'cleanup',
} as const;
export type UpkeepEventKind = (typeof UpkeepEventKind)[keyof typeof UpkeepEventKind];

// Upkeep must not pile up behind itself: one attempt more is enough, the next tick retries.
const upkeepRetry = { maxAttempts: 2 };
// Upkeep is the operator's: it deletes artifacts, reads DLQ figures and every worker's health,
// and the system project's runs act on every project. Only admin keys may submit it.
const requiresScope = 'admin' as const;

export const upkeepTasks = {
  'system.cleanup': defineTask({
    type: 'system.cleanup',
    description: 'Deletes artifacts older than maxAgeHours, then the oldest until the store is under maxTotalBytes.',
    queue: 'system',
    priority: 2,
    input: CleanupInput,
    output: CleanupOutput,
    retry: upkeepRetry,
    requiresScope,
    hardTimeoutMs: 30 * 60_000,
  }),
  'system.dlq-summary': defineTask({
    type: 'system.dlq-summary',
    description: 'Counts failed vs succeeded jobs in a window and the DLQ depth; alerts above the failure-rate threshold.',
    queue: 'system',
    priority: 2,
    input: DlqSummaryInput,
    output: DlqSummaryOutput,
    retry: upkeepRetry,
    requiresScope,
    hardTimeoutMs: 5 * 60_000,
  }),
  'system.health-check': defineTask({
    type: 'system.health-check',
    description: 'Reports workers whose heartbeat in KV `workers` is older than staleAfterMs.',
    queue: 'system',
    priority: 2,
    input: HealthCheckInput,
    output: HealthCheckOutput,
    retry: upkeepRetry,
    requiresScope,
    hardTimeoutMs: 60_000,
  }),
} as const;
