import { z } from 'zod';
import { JobRecord } from './job-record.js';

/** What happened; the record that follows it is the job after the change. */
export const JobEventKind = { state: 'state', progress: 'progress' } as const;
export type JobEventKind = (typeof JobEventKind)[keyof typeof JobEventKind];

export const JobEvent = z.object({
  kind: z.enum(['state', 'progress']),
  job: JobRecord,
});
export type JobEvent = z.infer<typeof JobEvent>;

/** Percent is clamped, never rejected: handlers compute it from noisy sources. */
export function clampPercent(pct: number): number {
  if (!Number.isFinite(pct)) return 0;
  return Math.min(100, Math.max(0, pct));
}

/** A system-wide notice (failure-rate alert, DLQ summary) on `events.system.<kind>`. */
export const SystemEvent = z.object({
  kind: z.string(),
  at: z.string(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type SystemEvent = z.infer<typeof SystemEvent>;
