import { z } from 'zod';

/** Exponential backoff with full jitter and a cap, per task type. */
export const RetryPolicy = z.object({
  /** Attempts in all, the first included. 1 means never retried. */
  maxAttempts: z.number().int().min(1).max(100),
  initialDelayMs: z.number().int().nonnegative(),
  maxDelayMs: z.number().int().nonnegative(),
  multiplier: z.number().min(1),
  /** 0 = no jitter, 1 = full jitter (delay drawn from [0, computed]). */
  jitter: z.number().min(0).max(1),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  multiplier: 2,
  jitter: 0.5,
};
