import { DEFAULT_RETRY_POLICY, ErrorCode, type WireError } from '@reelay/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Settlement, settle } from './settle.js';

const policy = { ...DEFAULT_RETRY_POLICY, jitter: 0, initialDelayMs: 1000 };
const retryable: WireError = { code: ErrorCode.TRANSIENT, message: 'flaky', retryable: true };
const permanent: WireError = { code: ErrorCode.PERMANENT, message: 'bad', retryable: false };

describe('settle: every way a delivery ends → one JetStream action', () => {
  it('a success is recorded with its result, then acked', () => {
    expect(settle({ kind: 'succeeded', result: { ok: 1 } }, 1, 3, policy)).toEqual({
      action: 'ack',
      status: 'succeeded',
      result: { ok: 1 },
    });
  });

  it('a cancelled job (before or while it ran) is acked so it never comes back', () => {
    expect(settle({ kind: 'cancelled' }, 1, 3, policy)).toEqual({ action: 'ack', status: 'cancelled' });
  });

  it('a redelivery of a job whose record is terminal is acked without a write', () => {
    expect(settle({ kind: 'finished-already' }, 0, 3, policy)).toEqual({ action: 'ack', status: 'unchanged' });
  });

  it('a retryable failure with attempts left is nak’d with the backoff delay and spends the attempt', () => {
    expect(settle({ kind: 'failed', error: retryable }, 2, 3, policy)).toEqual({
      action: 'nak',
      delayMs: 2000,
      spendsAttempt: true,
      error: retryable,
    });
  });

  it('a retry-after waits as asked and does not spend an attempt, even on the last one', () => {
    const error: WireError = { code: ErrorCode.RETRY_AFTER, message: '429', retryable: true, retryAfterMs: 7000 };
    expect(settle({ kind: 'failed', error }, 3, 3, policy)).toEqual({ action: 'nak', delayMs: 7000, spendsAttempt: false, error });
  });

  it('a retryable failure on the last attempt goes to the DLQ as exhausted, from the run', () => {
    expect(settle({ kind: 'failed', error: retryable }, 3, 3, policy)).toEqual({
      action: 'dead',
      reason: 'exhausted',
      error: retryable,
      stage: 'run',
    });
  });

  it('a permanent failure goes to the DLQ on the first attempt', () => {
    expect(settle({ kind: 'failed', error: permanent }, 1, 5, policy)).toEqual({
      action: 'dead',
      reason: 'permanent',
      error: permanent,
      stage: 'run',
    });
  });

  it('output that breaks the task’s contract is permanent: DLQ with attempts left', () => {
    const error: WireError = { code: ErrorCode.OUTPUT_INVALID, message: 'breaks the contract', retryable: false };
    expect(settle({ kind: 'failed', error }, 1, 5, policy)).toEqual({ action: 'dead', reason: 'permanent', error, stage: 'run' });
  });

  it('input rejected at the attempt’s start goes to the DLQ as permanent, counted as that attempt', () => {
    const error: WireError = { code: ErrorCode.INVALID_INPUT, message: 'x: required', retryable: false };
    expect(settle({ kind: 'rejected', error }, 1, 5, policy)).toEqual({ action: 'dead', reason: 'permanent', error, stage: 'start' });
  });

  it('a type this worker has no handler for goes to the DLQ as permanent before any attempt', () => {
    const error: WireError = { code: ErrorCode.UNKNOWN_TASK, message: 'no handler', retryable: false };
    expect(settle({ kind: 'unknown-task', error }, 0, 5, policy)).toEqual({
      action: 'dead',
      reason: 'permanent',
      error,
      stage: 'delivery',
    });
  });

  it('a delivery past the last attempt goes to the DLQ as max-deliveries, adding no attempt', () => {
    const error: WireError = { code: ErrorCode.WORKER_LOST, message: 'never answered', retryable: false };
    expect(settle({ kind: 'deliveries-exhausted', error }, 0, 3, policy)).toEqual({
      action: 'dead',
      reason: 'max-deliveries',
      error,
      stage: 'delivery',
    });
  });

  it('a full rate limit hands the job back for when a slot frees, without spending an attempt or recording an error', () => {
    expect(settle({ kind: 'rate-limited', retryAfterMs: 1500 }, 3, 3, policy)).toEqual({
      action: 'nak',
      delayMs: 1500,
      spendsAttempt: false,
    });
  });

  it('a shutdown hands the job back at once without spending an attempt, even on the last one', () => {
    expect(settle({ kind: 'shutdown' }, 3, 3, policy)).toEqual({ action: 'nak', delayMs: 0, spendsAttempt: false });
  });

  it('a redelivery another live worker still holds is neither written nor answered, on any attempt', () => {
    for (const attempt of [0, 1, 3]) expect(settle({ kind: 'held-elsewhere' }, attempt, 3, policy)).toEqual({ action: 'none' });
  });

  it('a success’s result comes back typed through the table, with no cast', () => {
    const decision = settle({ kind: 'succeeded', result: 42 }, 1, 3, policy);
    if (decision.action !== 'ack' || decision.status !== 'succeeded') throw new Error(`expected an ack, got ${decision.action}`);
    expectTypeOf(decision).toEqualTypeOf<Extract<Settlement, { status: 'succeeded' }>>();
    expect(decision.result).toBe(42);
  });
});
