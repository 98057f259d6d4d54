import { RetryAfterError } from '@reelay/runtime';
import { startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestBudget } from '@reelay/ai-providers';

describe('provider rate budget in the shared ratelimits bucket (real nats-server)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('two replicas share one requests-per-minute window; the next request waits for the next window', async () => {
    const now = Date.parse('2030-01-01T00:00:10Z');
    const replicaA = new RequestBudget(system.buckets.rateLimits, 'chat-rpm', { requestsPerMinute: 2, tokensPerMinute: 0 });
    const replicaB = new RequestBudget(system.buckets.rateLimits, 'chat-rpm', { requestsPerMinute: 2, tokensPerMinute: 0 });
    await replicaA.take(now);
    await replicaB.take(now);
    const refused = await replicaA.take(now).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RetryAfterError);
    expect((refused as RetryAfterError).retryAfterMs).toBeGreaterThanOrEqual(50_000);
    expect((refused as RetryAfterError).retryAfterMs).toBeLessThanOrEqual(50_050);
    await expect(replicaB.take(now + 60_000)).resolves.toBeUndefined();
  });

  it('reported tokens fill the tokens-per-minute window and then hold requests back', async () => {
    const now = Date.parse('2030-01-01T00:01:30Z');
    const budget = new RequestBudget(system.buckets.rateLimits, 'chat-tpm', { requestsPerMinute: 0, tokensPerMinute: 1_000 });
    await budget.take(now);
    await budget.spendTokens(600, now);
    await budget.take(now);
    await budget.spendTokens(500, now);
    const refused = await budget.take(now).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RetryAfterError);
    expect((refused as RetryAfterError).message).toContain('1100 tokens used this minute (limit 1000)');
    await expect(budget.take(now + 60_000)).resolves.toBeUndefined();
  });
});
