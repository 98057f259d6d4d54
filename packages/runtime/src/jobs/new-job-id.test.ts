import { describe, expect, it } from 'vitest';
import { newJobId } from './new-job-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newJobId', () => {
  it('makes distinct UUIDv7s that sort in the order they were made, within a millisecond too', () => {
    // Past the pool's 256 ids, so ids from a second draw of random bytes are among them.
    const ids = Array.from({ length: 5_000 }, () => newJobId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('carries its time: the first 48 bits are the milliseconds it was made at', () => {
    const before = Date.now();
    const id = newJobId();
    const after = Date.now();
    const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    // One more: a counter overflow within a millisecond moves the time on by one.
    expect(ms).toBeLessThanOrEqual(after + 1);
  });
});
