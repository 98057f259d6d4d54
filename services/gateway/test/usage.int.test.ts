/**
 * GET /v1/usage and GET /v1/stats/throughput against the real gateway, scheduler and
 * NATS: each key sees only its projects' figures, and a bad window is a 400.
 */
import type { ThroughputResponse, UsageResponse } from '@reelay/contracts';
import { waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA_KEY, BETA_READER_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';
import { submit, waitDone } from './stream-clients.js';

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
const ALPHA_JOBS = 3;
const BETA_JOBS = 2;

describe('usage and throughput figures', () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGateway();
    const ids: string[] = [];
    for (let i = 0; i < ALPHA_JOBS; i++) ids.push((await submit(g, { type: 'system.noop', input: {} }, ALPHA_KEY)).body.id);
    for (let i = 0; i < BETA_JOBS; i++) ids.push((await submit(g, { type: 'system.noop', input: {}, project: 'beta' })).body.id);
    for (const id of ids) expect((await waitDone(g, id)).status).toBe('succeeded');
  });
  afterAll(() => g?.close());

  const usage = (query: string, key?: string) => g.call(`/v1/usage${query}`, key ? { key } : {});
  const throughput = (query: string, key?: string) => g.call(`/v1/stats/throughput${query}`, key ? { key } : {});
  /** Waits until the store has projected every finished job the key should see. */
  const settledUsage = (key: string | undefined, project: string, jobs: number) =>
    waitUntil(
      async () => {
        const body = await json<UsageResponse>(await usage('', key));
        const row = body.items.find((r) => r.project === project && r.type === 'system.noop');
        return row?.succeeded === jobs ? body : undefined;
      },
      { what: `usage of ${project} to count ${jobs} finished jobs` },
    );
  const finishedIn = (body: ThroughputResponse) => body.buckets.reduce((n, b) => n + b.succeeded + b.failed + b.cancelled, 0);

  it('a project key’s usage holds only its own project; another project is 404 to it; an admin sees both', async () => {
    const alpha = await settledUsage(ALPHA_KEY, 'alpha', ALPHA_JOBS);
    expect(alpha.items.map((r) => r.project)).toEqual(['alpha']);
    expect(alpha.items[0]).toMatchObject({ type: 'system.noop', jobs: ALPHA_JOBS, succeeded: ALPHA_JOBS, failed: 0 });
    const beta = await settledUsage(BETA_READER_KEY, 'beta', BETA_JOBS);
    expect(beta.items.map((r) => r.project)).toEqual(['beta']);

    const asked = await usage('?project=beta', ALPHA_KEY);
    expect(asked.status).toBe(404);
    expect((await json<{ error: { code: string } }>(asked)).error.code).toBe('NOT_FOUND');

    const all = await settledUsage(undefined, 'beta', BETA_JOBS);
    expect(all.items.find((r) => r.project === 'alpha' && r.type === 'system.noop')?.jobs).toBe(ALPHA_JOBS);
    const narrowed = await json<UsageResponse>(await usage('?project=beta'));
    expect(narrowed.items.map((r) => r.project)).toEqual(['beta']);
  });

  it('usage counts the jobs created in [from, to) and refuses a window that is empty, reversed, too wide or not a time', async () => {
    const now = Date.now();
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    const around = await json<UsageResponse>(await usage(`?from=${iso(now - 3_600_000)}&to=${iso(now + 60_000)}`, ALPHA_KEY));
    expect(around.items.map((r) => [r.project, r.jobs])).toEqual([['alpha', ALPHA_JOBS]]);
    const later = await json<UsageResponse>(await usage(`?from=${iso(now + 60_000)}&to=${iso(now + 120_000)}`, ALPHA_KEY));
    expect(later).toMatchObject({ items: [] });

    const refused = async (query: string) => {
      const res = await usage(query, ALPHA_KEY);
      expect(res.status, query).toBe(400);
      expect((await json<{ error: { code: string } }>(res)).error.code, query).toBe('INVALID_INPUT');
    };
    await refused(`?from=${iso(now)}&to=${iso(now)}`);
    await refused(`?from=${iso(now)}&to=${iso(now - 1_000)}`);
    await refused(`?from=${iso(now - 32 * 86_400_000)}&to=${iso(now)}`);
    await refused('?from=yesterday');
    await refused('?to=2026-13-01T00:00:00Z');
  });

  it('throughput counts only the key’s projects, is 404 for another project and 400 outside 5–1440 minutes', async () => {
    const alpha = await waitUntil(
      async () => {
        const body = await json<ThroughputResponse>(await throughput('?minutes=30', ALPHA_KEY));
        return finishedIn(body) === ALPHA_JOBS ? body : undefined;
      },
      { what: 'alpha’s finished jobs in the throughput' },
    );
    expect(alpha.buckets).toHaveLength(30);
    expect(alpha.truncated).toBe(false);
    const beta = await json<ThroughputResponse>(await throughput('?minutes=30', BETA_READER_KEY));
    expect(finishedIn(beta)).toBe(BETA_JOBS);
    const adminBeta = await json<ThroughputResponse>(await throughput('?minutes=30&project=beta'));
    expect(finishedIn(adminBeta)).toBe(BETA_JOBS);
    // The admin's figure also holds the scheduler's own upkeep jobs, if any ran.
    expect(finishedIn(await json<ThroughputResponse>(await throughput('?minutes=30')))).toBeGreaterThanOrEqual(ALPHA_JOBS + BETA_JOBS);

    expect((await throughput('?project=beta', ALPHA_KEY)).status).toBe(404);
    for (const minutes of ['4', '1441', 'soon', '2.5']) {
      expect((await throughput(`?minutes=${minutes}`, ALPHA_KEY)).status, minutes).toBe(400);
    }
  });
});
