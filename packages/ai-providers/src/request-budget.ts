/**
 * A provider's rate limits, shared by every replica of the ai service: requests per
 * minute through the runtime's RateLimiter, and tokens per minute as a second
 * fixed-window counter in the same KV bucket (RateLimiter counts starts, not sizes).
 * When a window is full the job is handed back with RetryAfterError, so waiting for the
 * provider never spends an attempt.
 */
import { type Buckets, RateLimiter, RetryAfterError } from '@reelay/runtime';

const MINUTE_MS = 60_000;

export interface RequestBudgetLimits {
  /** 0 = unlimited. */
  requestsPerMinute: number;
  /** 0 = unlimited. */
  tokensPerMinute: number;
}

export class RequestBudget {
  constructor(
    private readonly kv: Buckets['rateLimits'],
    private readonly provider: string,
    private readonly limits: RequestBudgetLimits,
  ) {}

  /** Takes one request slot, or throws RetryAfterError naming the wait. `at` fixes the clock (tests). */
  async take(at?: number): Promise<void> {
    const now = at ?? Date.now();
    if (this.limits.tokensPerMinute > 0) {
      const used = await this.tokensUsed(now);
      if (used >= this.limits.tokensPerMinute) {
        throw new RetryAfterError(
          `${this.provider}: ${used} tokens used this minute (limit ${this.limits.tokensPerMinute})`,
          untilNextWindow(now),
        );
      }
    }
    if (this.limits.requestsPerMinute > 0) {
      const limiter = new RateLimiter(this.kv, at === undefined ? Date.now : () => at);
      const slot = await limiter.acquire(`ai.${this.provider}.rpm`, { max: this.limits.requestsPerMinute, perMs: MINUTE_MS });
      if (!slot.allowed) {
        throw new RetryAfterError(`${this.provider}: ${this.limits.requestsPerMinute} requests per minute reached`, slot.retryAfterMs);
      }
    }
  }

  /** Adds what a call reported to this minute's token count. */
  async spendTokens(tokens: number, now = Date.now()): Promise<void> {
    if (this.limits.tokensPerMinute <= 0 || tokens <= 0) return;
    const key = this.tokenKey(now);
    for (let tries = 0; tries < 20; tries++) {
      const entry = await this.kv.get(key);
      try {
        if (entry?.operation !== 'PUT') await this.kv.create(key, String(tokens));
        else await this.kv.update(key, String(Number(entry.string()) + tokens), entry.revision);
        return;
      } catch {
        // another replica wrote between our read and write: read again
      }
    }
  }

  private async tokensUsed(now: number): Promise<number> {
    const entry = await this.kv.get(this.tokenKey(now));
    return entry?.operation === 'PUT' ? Number(entry.string()) : 0;
  }

  private tokenKey(now: number): string {
    return `ai_${this.provider.replace(/[^A-Za-z0-9_-]/g, '_')}_tpm.${Math.floor(now / MINUTE_MS)}`;
  }
}

function untilNextWindow(now: number): number {
  return (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS - now + Math.floor(Math.random() * 250);
}
