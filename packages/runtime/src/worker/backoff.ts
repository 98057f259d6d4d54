import type { RetryPolicy } from '@reelay/contracts';

/**
 * Delay before attempt `attempt + 1`, after `attempt` failed: exponential from
 * `initialDelayMs`, capped, then jittered downwards so that a burst of failures does
 * not come back as a burst.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** exponent);
  const jitter = raw * policy.jitter * random();
  return Math.max(0, Math.round(raw - jitter));
}
