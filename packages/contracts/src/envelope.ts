import { z } from 'zod';
import { Priority } from './priority.js';

/** Attempts in all, the first included: what a job or a workflow step may ask for. */
export const MaxAttempts = z.number().int().min(1).max(100);
/** A per-job hard time limit: at least 100 ms, at most a week. */
export const JobTimeoutMs = z
  .number()
  .int()
  .min(100)
  .max(7 * 24 * 3_600_000);

/**
 * The message on a JOBS_<QUEUE> stream. Trace context does not live here: it travels
 * in the NATS message headers (W3C traceparent).
 */
export const JobEnvelope = z.object({
  /** Time-ordered id (UUIDv7), so ids sort by creation. */
  id: z.string(),
  type: z.string(),
  queue: z.string(),
  input: z.unknown(),
  priority: Priority,
  project: z.string(),
  maxAttempts: MaxAttempts,
  /** Per-job hard limit override; the catalogue's limit otherwise. */
  timeoutMs: z.number().int().positive().optional(),
  idempotencyKey: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  workflowId: z.string().optional(),
  stepId: z.string().optional(),
  batchId: z.string().optional(),
  createdAt: z.string(),
  traceId: z.string().optional(),
});
export type JobEnvelope = z.infer<typeof JobEnvelope>;
