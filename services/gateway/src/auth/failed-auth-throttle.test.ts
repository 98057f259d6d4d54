import { describe, expect, it } from 'vitest';
import { FailedAuthThrottle } from './failed-auth-throttle.js';

describe('FailedAuthThrottle', () => {
  it('lets a client fail up to the limit, then refuses it until its window ends', () => {
    let now = 1_000;
    const throttle = new FailedAuthThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
      throttle.recordFailure('10.0.0.1');
    }
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(60_000);
    now += 59_000;
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(1_000);
    now += 1_000;
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
  });

  it('counts each client on its own', () => {
    const throttle = new FailedAuthThrottle(1, 60_000, () => 0);
    throttle.recordFailure('10.0.0.1');
    expect(throttle.retryAfterMs('10.0.0.1')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('10.0.0.2')).toBe(0);
  });

  it('starts a new window once the old one has ended', () => {
    let now = 0;
    const throttle = new FailedAuthThrottle(2, 1_000, () => now);
    throttle.recordFailure('a');
    now = 1_000;
    throttle.recordFailure('a');
    expect(throttle.retryAfterMs('a')).toBe(0);
  });

  it('tracks a bounded number of clients, forgetting the oldest first', () => {
    const throttle = new FailedAuthThrottle(1, 60_000, () => 0, 2);
    throttle.recordFailure('a');
    throttle.recordFailure('b');
    throttle.recordFailure('c');
    expect(throttle.retryAfterMs('a')).toBe(0);
    expect(throttle.retryAfterMs('b')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('c')).toBeGreaterThan(0);
  });
});
