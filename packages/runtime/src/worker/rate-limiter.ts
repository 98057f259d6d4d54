import type { KV } from '@nats-io/kv';
import type { RateLimit } from '@reelay/contracts';

/**
 * A fixed-window counter in KV, shared by every replica: at most `max` starts per
 * window. Optimistic concurrency (create / update with revision) makes concurrent
 * increments safe without a lock.
 */
export class RateLimiter {
  constructor(private readonly kv: KV) {}

  /** Takes a slot if one is free; otherwise says how long until the next window. */
  async acquire(key: string, limit: RateLimit, now = Date.now()): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
    const window = Math.floor(now / limit.perMs);
    const kvKey = `${key.replace(/[^A-Za-z0-9_-]/g, '_')}.${window}`;
    const retryAfterMs = (window + 1) * limit.perMs - now + Math.floor(Math.random() * 50);
    for (let tries = 0; tries < 20; tries++) {
      const entry = await this.kv.get(kvKey);
      if (entry?.operation !== 'PUT') {
        try {
          await this.kv.create(kvKey, '1');
          return { allowed: true };
        } catch {
          continue;
        }
      }
      const count = Number(entry.string());
      if (count >= limit.max) return { allowed: false, retryAfterMs };
      try {
        await this.kv.update(kvKey, String(count + 1), entry.revision);
        return { allowed: true };
      } catch {
        // someone else took a slot between our read and write; read again
      }
    }
    return { allowed: false, retryAfterMs: 100 };
  }
}
