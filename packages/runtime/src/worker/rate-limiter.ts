import type { KV } from '@nats-io/kv';
import type { RateLimit } from '@reelay/contracts';

/**
 * A fixed-window counter in KV, shared by every replica: at most `max` starts per
 * window. Optimistic concurrency (create / update with revision) makes concurrent
 * increments safe without a lock.
 *
 * A slot counts in the window the job starts in, not the one it was asked for in: the
 * clock is read again after the write lands, and a slot whose window ended during the
 * round trips is given up (it stays counted where it was taken, which only errs on the
 * side of fewer starts) and the next window is tried.
 */
export class RateLimiter {
  constructor(
    private readonly kv: KV,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes a slot if one is free; otherwise says how long until the next window. */
  async acquire(key: string, limit: RateLimit): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
    const safeKey = key.replace(/[^A-Za-z0-9_-]/g, '_');
    for (let tries = 0; tries < 20; tries++) {
      const now = this.clock();
      const window = Math.floor(now / limit.perMs);
      const taken = await this.take(`${safeKey}.${window}`, limit.max);
      if (taken === 'full') return { allowed: false, retryAfterMs: (window + 1) * limit.perMs - now + Math.floor(Math.random() * 50) };
      if (taken === 'taken' && Math.floor(this.clock() / limit.perMs) === window) return { allowed: true };
      // 'raced' (another replica wrote between our read and write) or the window ended: again.
    }
    return { allowed: false, retryAfterMs: 100 };
  }

  private async take(kvKey: string, max: number): Promise<'taken' | 'full' | 'raced'> {
    const entry = await this.kv.get(kvKey);
    try {
      if (entry?.operation !== 'PUT') {
        await this.kv.create(kvKey, '1');
        return 'taken';
      }
      const count = Number(entry.string());
      if (count >= max) return 'full';
      await this.kv.update(kvKey, String(count + 1), entry.revision);
      return 'taken';
    } catch {
      return 'raced';
    }
  }
}
