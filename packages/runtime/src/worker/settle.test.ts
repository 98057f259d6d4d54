import { DEFAULT_RETRY_POLICY } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { settle } from './settle.js';

const policy = { ...DEFAULT_RETRY_POLICY, jitter: 0, initialDelayMs: 1000 };
const retryable = { code: 'TRANSIENT', message: 'flaky', retryable: true };

describe('settle: outcome → JetStream action', () => {
  it('a success is recorded then acked', () => {
    expect(settle({ kind: 'succeeded', result: 1 }, 1, 3, policy)).toEqual({ action: 'ack', status: 'succeeded', result: 1 });
  });
  it('a cancelled attempt is acked so it never comes back', () => {
    expect(settle({ kind: 'cancelled' }, 1, 3, policy)).toEqual({ action: 'ack', status: 'cancelled' });
  });
  it('a retryable failure with attempts left is nak’d with the backoff delay', () => {
    expect(settle({ kind: 'failed', error: retryable }, 2, 3, policy)).toEqual({
      action: 'nak',
      delayMs: 2000,
      spendsAttempt: true,
      error: retryable,
    });
  });
  it('a retryable failure on the last attempt goes to the DLQ as exhausted', () => {
    expect(settle({ kind: 'failed', error: retryable }, 3, 3, policy)).toEqual({ action: 'dead', reason: 'exhausted', error: retryable });
  });
  it('a permanent failure goes to the DLQ on the first attempt', () => {
    const error = { code: 'PERMANENT', message: 'bad', retryable: false };
    expect(settle({ kind: 'failed', error }, 1, 5, policy)).toEqual({ action: 'dead', reason: 'permanent', error });
  });
  it('a retry-after waits as asked and does not spend an attempt, even on the last one', () => {
    const error = { code: 'RETRY_AFTER', message: '429', retryable: true, retryAfterMs: 7000 };
    expect(settle({ kind: 'failed', error }, 3, 3, policy)).toEqual({ action: 'nak', delayMs: 7000, spendsAttempt: false, error });
  });
});
