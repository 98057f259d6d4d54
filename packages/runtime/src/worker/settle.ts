import type { RetryPolicy, WireError } from '@reelay/contracts';
import { backoffDelayMs } from './backoff.js';

/**
 * Every way an attempt can end, mapped to exactly one JetStream action. This is the
 * only place that decides between ack, nak and the DLQ.
 */
export type AttemptOutcome = { kind: 'succeeded'; result: unknown } | { kind: 'cancelled' } | { kind: 'failed'; error: WireError };

export type Settlement =
  /** Record success, then ack. */
  | { action: 'ack'; status: 'succeeded'; result: unknown }
  /** Record cancellation, then ack: a cancelled job must not come back. */
  | { action: 'ack'; status: 'cancelled' }
  /** Record `retrying` (or `queued` for retry-after), then nak with a delay. */
  | { action: 'nak'; delayMs: number; spendsAttempt: boolean; error: WireError }
  /** Copy to the DLQ, record `failed`, then term. */
  | { action: 'dead'; reason: 'permanent' | 'exhausted'; error: WireError };

export function settle(outcome: AttemptOutcome, attempt: number, maxAttempts: number, policy: RetryPolicy): Settlement {
  if (outcome.kind === 'succeeded') return { action: 'ack', status: 'succeeded', result: outcome.result };
  if (outcome.kind === 'cancelled') return { action: 'ack', status: 'cancelled' };
  const { error } = outcome;
  if (!error.retryable) return { action: 'dead', reason: 'permanent', error };
  if (error.retryAfterMs !== undefined) {
    // The caller was told to slow down: wait as asked, and keep the attempt.
    return { action: 'nak', delayMs: error.retryAfterMs, spendsAttempt: false, error };
  }
  if (attempt >= maxAttempts) return { action: 'dead', reason: 'exhausted', error };
  return { action: 'nak', delayMs: backoffDelayMs(policy, attempt), spendsAttempt: true, error };
}
