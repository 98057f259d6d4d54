import type { DeadLetter, RetryPolicy, WireError } from '@reelay/contracts';
import { backoffDelayMs } from './backoff.js';

/**
 * Every way a delivery can end, mapped to exactly one JetStream action: the only place
 * that decides between ack, nak and the DLQ. Pure; settle-attempt.ts carries the
 * settlement out (record first, then the action).
 *
 * | outcome                 | action | record                   |
 * | ----------------------- | ------ | ------------------------ |
 * | finished-already        | ack    | unchanged                |
 * | succeeded               | ack    | succeeded with result    |
 * | cancelled               | ack    | cancelled                |
 * | failed, retryable       | nak    | retrying (backoff)       |
 * | failed, retry-after     | nak    | queued, attempt kept     |
 * | failed, last attempt    | DLQ    | failed (exhausted)       |
 * | failed, permanent       | DLQ    | failed (permanent)       |
 * | rejected                | DLQ    | failed (permanent)       |
 * | unknown-task            | DLQ    | failed (permanent)       |
 * | deliveries-exhausted    | DLQ    | failed (max-deliveries)  |
 * | rate-limited            | nak    | queued, attempt kept     |
 * | shutdown                | nak(0) | queued, attempt kept     |
 * | held-elsewhere          | none   | unchanged                |
 *
 * `none` leaves the message to the worker that holds it: its in-progress acks keep it,
 * its ack or nak (by stream sequence) answers it, and if it dies the message comes back
 * after AckWait.
 */
export type AttemptOutcome =
  /** The handler returned output its task's schema accepts (the parsed value). */
  | { kind: 'succeeded'; result: unknown }
  /** Cancelled on request, before or while it ran. */
  | { kind: 'cancelled' }
  /** The handler failed (threw, timed out, or returned output that breaks its contract). */
  | { kind: 'failed'; error: WireError }
  /** A redelivery of a job whose record is terminal already (an ack was lost). */
  | { kind: 'finished-already' }
  /** Refused at the attempt's start: its input does not open or breaks the task's contract. */
  | { kind: 'rejected'; error: WireError }
  /** No task definition or handler for its type in this worker. */
  | { kind: 'unknown-task'; error: WireError }
  /** Delivered past its last attempt: the attempts before never answered (their workers died). */
  | { kind: 'deliveries-exhausted'; error: WireError }
  /** The task's rate limit is full: come back when a slot frees. */
  | { kind: 'rate-limited'; retryAfterMs: number }
  /** The worker stopped past its grace period while the handler ran. */
  | { kind: 'shutdown' }
  /** A redelivery of a job another live worker says it still holds (running or settling). */
  | { kind: 'held-elsewhere' };

export type Settlement =
  /** Record success, then ack. */
  | { action: 'ack'; status: 'succeeded'; result: unknown }
  /** Record cancellation, then ack: a cancelled job must not come back. */
  | { action: 'ack'; status: 'cancelled' }
  /** Ack without a write: the record says it is done already. */
  | { action: 'ack'; status: 'unchanged' }
  /** Record `retrying` with the attempt's error, then nak with the backoff delay. */
  | { action: 'nak'; delayMs: number; spendsAttempt: true; error: WireError }
  /** Record `queued` (handed back), then nak: the redelivery does not count as an attempt. */
  | { action: 'nak'; delayMs: number; spendsAttempt: false; error?: WireError }
  /**
   * Copy to the DLQ, record `failed`, then term. `stage` says how far the attempt got:
   * `delivery` (none began: no attempt error is added), `start` (refused before its
   * handler ran) or `run` (its handler failed: the span and the log say so).
   */
  | { action: 'dead'; reason: DeadLetter['reason']; error: WireError; stage: 'delivery' | 'start' | 'run' }
  /** Neither a write nor an answer: another worker holds the job. */
  | { action: 'none' };

export function settle(outcome: AttemptOutcome, attempt: number, maxAttempts: number, policy: RetryPolicy): Settlement {
  switch (outcome.kind) {
    case 'succeeded':
      return { action: 'ack', status: 'succeeded', result: outcome.result };
    case 'cancelled':
      return { action: 'ack', status: 'cancelled' };
    case 'finished-already':
      return { action: 'ack', status: 'unchanged' };
    case 'rejected':
      return { action: 'dead', reason: 'permanent', error: outcome.error, stage: 'start' };
    case 'unknown-task':
      return { action: 'dead', reason: 'permanent', error: outcome.error, stage: 'delivery' };
    case 'deliveries-exhausted':
      return { action: 'dead', reason: 'max-deliveries', error: outcome.error, stage: 'delivery' };
    case 'rate-limited':
      return { action: 'nak', delayMs: outcome.retryAfterMs, spendsAttempt: false };
    case 'shutdown':
      // Handed back at once: another worker (or this one, restarted) runs it from the start.
      return { action: 'nak', delayMs: 0, spendsAttempt: false };
    case 'held-elsewhere':
      return { action: 'none' };
    case 'failed': {
      const { error } = outcome;
      if (!error.retryable) return { action: 'dead', reason: 'permanent', error, stage: 'run' };
      if (error.retryAfterMs !== undefined) {
        // The caller was told to slow down: wait as asked, and keep the attempt.
        return { action: 'nak', delayMs: error.retryAfterMs, spendsAttempt: false, error };
      }
      if (attempt >= maxAttempts) return { action: 'dead', reason: 'exhausted', error, stage: 'run' };
      return { action: 'nak', delayMs: backoffDelayMs(policy, attempt), spendsAttempt: true, error };
    }
  }
}
