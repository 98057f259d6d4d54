import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';

const policy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0.5 };

describe('backoff', () => {
  it('doubles the delay after each failed attempt when jitter draws zero', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(policy, a, () => 0))).toEqual([100, 200, 400, 800]);
  });
  it('never exceeds the cap however many attempts failed', () => {
    expect(backoffDelayMs(policy, 30, () => 0)).toBe(1_000);
  });
  it('jitter only shortens the delay, by at most the jitter fraction', () => {
    expect(backoffDelayMs(policy, 3, () => 1)).toBe(200);
    expect(backoffDelayMs(policy, 3, () => 0.5)).toBe(300);
  });
});
