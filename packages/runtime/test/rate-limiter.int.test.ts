import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/worker/rate-limiter.js';
import { type Harness, startHarness } from './harness.js';

const limit = { max: 5, perMs: 1_000 };

describe('rate limiter windows', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('a slot granted as its window ends counts in the window the job starts in', async () => {
    const window = Math.floor(Date.now() / limit.perMs) + 10;
    const next = (window + 1) * limit.perMs;
    const inNext = new RateLimiter(h.buckets.rateLimits, () => next + 1);
    for (let i = 0; i < limit.max; i++) expect(await inNext.acquire('task.edge', limit)).toEqual({ allowed: true });
    expect((await inNext.acquire('task.edge', limit)).allowed).toBe(false);

    // Asked 1 ms before the window ends; the round trips to KV carry the start into the
    // next window, which is already full.
    let reads = 0;
    const late = new RateLimiter(h.buckets.rateLimits, () => (reads++ === 0 ? next - 1 : next + 2));
    const slot = await late.acquire('task.edge', limit);
    expect(slot.allowed).toBe(false);
  });

  it('replicas sharing the bucket never grant more than max in one window', async () => {
    const at = (Math.floor(Date.now() / limit.perMs) + 20) * limit.perMs + 10;
    const replicas = Array.from({ length: 3 }, () => new RateLimiter(h.buckets.rateLimits, () => at));
    const slots = await Promise.all(Array.from({ length: 12 }, (_, i) => replicas[i % 3]!.acquire('task.shared', limit)));
    expect(slots.filter((s) => s.allowed)).toHaveLength(limit.max);
    for (const s of slots) if (!s.allowed) expect(s.retryAfterMs).toBeGreaterThanOrEqual(limit.perMs - 10);
  });
});
