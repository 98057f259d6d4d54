import path from 'node:path';
import { type JobGroupSummary, type JobRecord, jobEventSubject } from '@reelay/contracts';
import { newJobId } from '@reelay/runtime';
import { type PostgresServerHandle, type ServiceProcess, startPostgresServer, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, ALPHA_KEY, BETA_READER_KEY, GATEWAY, type GatewayFixture, startGateway } from './gateway-fixture.js';

/**
 * The gateway on the SQL job store: one PostgreSQL, two gateways sharing it (as k8s
 * runs them), real NATS, the scheduler and real HTTP.
 */
let pg: PostgresServerHandle;
let g: GatewayFixture;
let second: { proc: ServiceProcess; url: string };

const call = (base: string, pathname: string, key: string | null = ADMIN_KEY, init: RequestInit = {}) =>
  fetch(`${base}${pathname}`, { ...init, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...init.headers } });
const json = async <T = Record<string, unknown>>(res: Response | Promise<Response>): Promise<T> => (await res).json() as Promise<T>;
const submit = async (body: unknown, key = ADMIN_KEY) => {
  const res = await g.call('/v1/jobs', { method: 'POST', json: body, key });
  expect(res.status).toBe(202);
  return (await res.json()) as { id: string };
};
const finished = (id: string) =>
  waitUntil(async () => {
    const job = await json<JobRecord>(g.call(`/v1/jobs/${id}`));
    return ['succeeded', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
  });
const ids = (page: { items: { id: string }[] }) => page.items.map((j) => j.id);

beforeAll(async () => {
  pg = await startPostgresServer();
  const url = await pg.createDatabase('gateway_store');
  g = await startGateway({ JOB_STORE_URL: url });
  const proc = await g.system.startService(
    GATEWAY,
    { PORT: '0', REELAY_API_KEYS_FILE: path.join(g.system.dir, 'api-keys.json'), JOB_STORE_URL: url },
    /gateway ready on/,
  );
  second = { proc, url: proc.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '' };
});
afterAll(async () => {
  await g?.close();
  await pg?.stop();
});

describe('the gateway on the SQL job store', () => {
  it('lists and counts a job in the answer right after its submit (read-your-writes)', async () => {
    const { id } = await submit({ type: 'system.noop', project: 'alpha', delayMs: 3_600_000, labels: { ryw: 'yes' } }, ALPHA_KEY);
    const page = await json<{ items: JobRecord[] }>(g.call('/v1/jobs?label=ryw:yes', { key: ALPHA_KEY }));
    expect(page.items.map((j) => [j.id, j.status])).toEqual([[id, 'scheduled']]);
    const counts = await json<{ total: number; byStatus: Record<string, number> }>(
      g.call('/v1/jobs/counts?label=ryw:yes', { key: ALPHA_KEY }),
    );
    expect(counts).toMatchObject({ total: 1, byStatus: { scheduled: 1, queued: 0 } });
    expect((await g.call(`/v1/jobs/${id}/cancel`, { method: 'POST', key: ALPHA_KEY })).status).toBe(202);
    const after = await json<{ items: JobRecord[] }>(g.call('/v1/jobs?label=ryw:yes', { key: ALPHA_KEY }));
    expect(after.items[0]?.status).toBe('cancelled');
  });

  it('filters by queue, label, batch, workflow, error code and time range, only inside the key’s projects', async () => {
    const since = new Date().toISOString();
    const failing = await submit({ type: 'system.sleep', project: 'alpha', input: { ms: 1, failAttempts: 1 }, maxAttempts: 1 }, ALPHA_KEY);
    const batchRes = await g.call('/v1/batches', {
      method: 'POST',
      key: ALPHA_KEY,
      json: { items: [0, 1, 2].map(() => ({ type: 'system.noop', project: 'alpha', labels: { run: 'filters' } })) },
    });
    const batch = (await batchRes.json()) as { id: string; jobIds: string[] };
    const workflowRes = await g.call('/v1/workflows', {
      method: 'POST',
      key: ALPHA_KEY,
      json: { project: 'alpha', steps: [{ id: 'a', type: 'system.noop', input: {} }] },
    });
    expect(workflowRes.status).toBe(202);
    const workflow = (await workflowRes.json()) as { id: string };
    // The beta project's labelled job must never show through alpha's key.
    await submit({ type: 'system.noop', project: 'beta', labels: { run: 'filters' } });
    const failed = await finished(failing.id);
    expect(failed.status).toBe('failed');
    await Promise.all(batch.jobIds.map(finished));

    const list = (q: string, key = ALPHA_KEY) => json<{ items: JobRecord[]; nextCursor?: string }>(g.call(`/v1/jobs?${q}`, { key }));
    expect(ids(await list('label=run:filters'))).toEqual([...batch.jobIds].reverse());
    expect(ids(await list(`batchId=${batch.id}&status=succeeded`))).toHaveLength(3);
    expect(ids(await list(`errorCode=${failed.error?.code}&createdAfter=${since}`))).toEqual([failing.id]);
    expect(ids(await list(`queue=system&type=system.sleep&createdAfter=${since}`))).toEqual([failing.id]);
    await waitUntil(async () => (await list(`workflowId=${workflow.id}`)).items.length === 1);
    expect(ids(await list(`createdBefore=${since}&label=run:filters`))).toEqual([]);
    const sorted = await list(`label=run:filters&sort=updatedAt&limit=2`);
    expect(sorted.items).toHaveLength(2);
    const rest = await list(`label=run:filters&sort=updatedAt&limit=2&cursor=${sorted.nextCursor}`);
    expect(new Set([...ids(sorted), ...ids(rest)])).toEqual(new Set(batch.jobIds));
    // An admin sees beta's job too; beta's reader sees only it.
    expect(ids(await list('label=run:filters', ADMIN_KEY))).toHaveLength(4);
    expect((await list('label=run:filters', BETA_READER_KEY)).items.map((j) => j.project)).toEqual(['beta']);
    expect((await g.call('/v1/jobs?project=beta', { key: ALPHA_KEY })).status).toBe(404);
    const counts = await json<{ total: number }>(g.call(`/v1/jobs/counts?createdAfter=${since}&status=succeeded`, { key: ALPHA_KEY }));
    expect(counts.total).toBeGreaterThanOrEqual(4);

    const batches = await json<{ items: JobGroupSummary[] }>(g.call('/v1/batches?limit=5', { key: ALPHA_KEY }));
    expect(batches.items[0]).toMatchObject({ id: batch.id, project: 'alpha', total: 3, done: true, counts: { succeeded: 3 } });
    const workflows = await json<{ items: JobGroupSummary[] }>(g.call('/v1/workflows', { key: ALPHA_KEY }));
    expect(workflows.items.map((w) => w.id)).toContain(workflow.id);
    expect(ids(await json(g.call('/v1/workflows', { key: BETA_READER_KEY })))).not.toContain(workflow.id);
    expect(ids(await json(g.call('/v1/batches', { key: BETA_READER_KEY })))).not.toContain(batch.id);

    const usage = await json<{ items: { project: string; type: string; jobs: number; failed: number }[] }>(
      g.call(`/v1/usage?from=${since}`, { key: ALPHA_KEY }),
    );
    expect(usage.items.find((u) => u.type === 'system.sleep')).toMatchObject({ project: 'alpha', jobs: 1, failed: 1 });
    expect(usage.items.every((u) => u.project === 'alpha')).toBe(true);
  });

  it('answers a bad filter with 400 and the error envelope', async () => {
    for (const q of [
      'status=bogus',
      'label=nocolon',
      'createdAfter=yesterday',
      'cursor=not-an-id',
      'sort=name',
      'errorCode=lower',
      'limit=0',
    ]) {
      const res = await g.call(`/v1/jobs?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, q).toBe('INVALID_INPUT');
    }
    expect((await g.call('/v1/jobs/counts?updatedBefore=soon')).status).toBe(400);
    expect((await g.call('/v1/workflows?cursor=../x')).status).toBe(400);
    expect((await g.call('/v1/usage?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(400);
  });

  it('a second gateway on the same PostgreSQL lists what the first was sent, and both report the store’s counts', async () => {
    const { id } = await submit({ type: 'system.noop', project: 'alpha', labels: { twin: 'x' } }, ALPHA_KEY);
    await finished(id);
    const seen = await waitUntil(async () => {
      const page = await json<{ items: JobRecord[] }>(call(second.url, '/v1/jobs?label=twin:x', ALPHA_KEY));
      return page.items[0]?.status === 'succeeded' ? page : undefined;
    });
    expect(ids(seen)).toEqual([id]);
    const gauge = (text: string) => text.match(/reelay_jobs\{queue="system",state="succeeded"\} (\d+)/)?.[1];
    const [a, b] = await Promise.all([g.call('/metrics', { key: null }), call(second.url, '/metrics', null)]);
    const [ta, tb] = await Promise.all([a.text(), b.text()]);
    expect(Number(gauge(ta))).toBeGreaterThan(0);
    expect(gauge(ta)).toBe(gauge(tb));
    expect(ta).toMatch(/reelay_job_store_lag_events \d+/);
  });

  it('a restarted gateway resumes projecting from its checkpoint in the store', async () => {
    await second.proc.kill('SIGTERM');
    await submit({ type: 'system.noop', project: 'alpha', labels: { restart: 'y' } }, ALPHA_KEY);
    const proc = await g.system.startService(
      GATEWAY,
      {
        PORT: '0',
        REELAY_API_KEYS_FILE: path.join(g.system.dir, 'api-keys.json'),
        JOB_STORE_URL: await pg.createDatabase('gateway_store'),
      },
      /gateway ready on/,
    );
    const from = Number(proc.output().match(/"from":(\d+)[^\n]*job store projector started/)?.[1]);
    expect(from).toBeGreaterThan(1);
    await proc.kill('SIGTERM');
  });

  it('prunes finished jobs unchanged for JOB_STORE_RETENTION_HOURS, keeping unfinished and recent ones', async () => {
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    const jobAt = (status: 'succeeded' | 'running', updatedAgoMs: number): JobRecord => ({
      id: newJobId(),
      type: 'system.noop',
      queue: 'system',
      input: {},
      priority: 5,
      project: 'alpha',
      maxAttempts: 3,
      createdAt: ago(updatedAgoMs + 1_000),
      status,
      progress: status === 'succeeded' ? 100 : 0,
      attempts: 1,
      freeRedeliveries: 0,
      errors: [],
      labels: { prune: 'gw' },
      startedAt: ago(updatedAgoMs + 500),
      ...(status === 'succeeded' ? { finishedAt: ago(updatedAgoMs) } : {}),
      updatedAt: ago(updatedAgoMs),
    });
    const old = jobAt('succeeded', 2 * 3_600_000);
    const stuck = jobAt('running', 2 * 3_600_000);
    const recent = jobAt('succeeded', 60_000);
    for (const job of [old, stuck, recent]) await g.system.ctx.js.publish(jobEventSubject(job.id), JSON.stringify({ kind: 'state', job }));
    // The first gateway keeps all three (its retention is EVENTS' 72 h).
    await waitUntil(async () => (await json<{ items: JobRecord[] }>(g.call('/v1/jobs?label=prune:gw'))).items.length === 3);

    const proc = await g.system.startService(
      GATEWAY,
      {
        PORT: '0',
        REELAY_API_KEYS_FILE: path.join(g.system.dir, 'api-keys.json'),
        JOB_STORE_URL: await pg.createDatabase('gateway_prune'),
        JOB_STORE_RETENTION_HOURS: '1',
        JOB_STORE_PRUNE_INTERVAL_MS: '1000',
      },
      /gateway ready on/,
    );
    try {
      const url = proc.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '';
      // Its first pass runs once the projector has caught up, so the old job was stored first.
      await proc.waitFor(/"deleted":1,[^\n]*job store pruned/);
      const left = await json<{ items: JobRecord[] }>(call(url, '/v1/jobs?label=prune:gw', ALPHA_KEY));
      expect(ids(left).sort()).toEqual([stuck.id, recent.id].sort());
    } finally {
      await proc.kill('SIGTERM');
    }
  });

  // Last: it stops the database the others use.
  it('accepts and queues a submit while the job store is down; lists answer 5xx meanwhile', async () => {
    await pg.stop();
    const res = await g.call('/v1/jobs', { method: 'POST', json: { type: 'system.noop', project: 'alpha' }, key: ALPHA_KEY });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await finished(id)).status).toBe('succeeded');
    expect((await g.call('/v1/jobs', { key: ALPHA_KEY })).status).toBeGreaterThanOrEqual(500);
    expect(g.gateway.output()).toContain('job store write failed');
  });
});
