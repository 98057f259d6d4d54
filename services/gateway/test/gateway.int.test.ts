import type { JobRecord } from '@reelay/contracts';
import { waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ALPHA_KEY, BETA_READER_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';
import { readSse } from './stream-clients.js';

const submit = async (g: GatewayFixture, body: unknown, key?: string, headers?: Record<string, string>) => {
  const res = await g.call('/v1/jobs', { method: 'POST', json: body, ...(key ? { key } : {}), ...(headers ? { headers } : {}) });
  return { res, body: (await res.json()) as { id: string; status: string; queue: string; error?: { code: string; message: string } } };
};
const waitDone = async (g: GatewayFixture, id: string): Promise<JobRecord> => {
  const res = await g.call(`/v1/jobs/${id}/wait?timeoutMs=20000`);
  expect(res.status).toBe(200);
  return (await res.json()) as JobRecord;
};

describe('gateway over real HTTP', () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGateway();
  });
  afterAll(() => g.close());

  it('accepts a job with 202 and reports it finished with its result', async () => {
    const { res, body } = await submit(g, { type: 'system.sleep', input: { ms: 50, steps: 2 } });
    expect(res.status).toBe(202);
    expect(body).toMatchObject({ status: 'queued', queue: 'system', priority: 5 });
    const done = await waitDone(g, body.id);
    expect(done.status).toBe('succeeded');
    expect(done.result).toMatchObject({ sleptMs: expect.any(Number) });
    const got = await (await g.call(`/v1/jobs/${body.id}`)).json();
    expect(got).toMatchObject({ id: body.id, type: 'system.sleep', status: 'succeeded', progress: 100, attempts: 1 });
    expect(got.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers 400 with the zod issues listed for an invalid body, and queues nothing', async () => {
    const before = await (await g.call('/v1/queues/system')).json();
    const bad = await submit(g, { type: 'system.sleep', input: { ms: -5 } });
    expect(bad.res.status).toBe(400);
    expect(bad.body.error?.code).toBe('INVALID_INPUT');
    expect(bad.body.error?.message).toMatch(/ms/);
    const unknown = await submit(g, { type: 'no.such.task' });
    expect(unknown.res.status).toBe(400);
    const extra = await submit(g, { type: 'system.noop', surprise: true });
    expect(extra.res.status).toBe(400);
    const after = await (await g.call('/v1/queues/system')).json();
    expect(after.pending).toBe(before.pending);
  });

  it('gives the same job for the same Idempotency-Key (202 then 200)', async () => {
    const first = await submit(g, { type: 'system.noop' }, undefined, { 'idempotency-key': 'abc-123' });
    const second = await submit(g, { type: 'system.noop' }, undefined, { 'idempotency-key': 'abc-123' });
    expect(first.res.status).toBe(202);
    expect(second.res.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
  });

  it('refuses requests without a key (401), with an unknown key (401) and without the scope (403)', async () => {
    expect((await g.call('/v1/jobs', { key: null })).status).toBe(401);
    expect((await g.call('/v1/jobs', { key: 'not-a-real-key-0000000' })).status).toBe(401);
    const denied = await submit(g, { type: 'system.noop', project: 'beta' }, BETA_READER_KEY);
    expect(denied.res.status).toBe(403);
    expect(denied.body.error?.code).toBe('FORBIDDEN');
    expect((await g.call('/v1/queues/system/pause', { method: 'POST', key: ALPHA_KEY })).status).toBe(403);
  });

  it('never shows one project’s jobs to a key of another project', async () => {
    const { body } = await submit(g, { type: 'system.noop', project: 'alpha' }, ALPHA_KEY);
    await waitDone(g, body.id);
    expect((await g.call(`/v1/jobs/${body.id}`, { key: ALPHA_KEY })).status).toBe(200);
    const hidden = await g.call(`/v1/jobs/${body.id}`, { key: BETA_READER_KEY });
    expect(hidden.status).toBe(404);
    expect((await g.call(`/v1/jobs/${body.id}/events`, { key: BETA_READER_KEY })).status).toBe(404);
    const list = await (await g.call('/v1/jobs?limit=500', { key: BETA_READER_KEY })).json();
    expect(list.items.map((j: JobRecord) => j.id)).not.toContain(body.id);
    const forbiddenWrite = await submit(g, { type: 'system.noop', project: 'beta' }, ALPHA_KEY);
    expect(forbiddenWrite.res.status).toBe(403);
  });

  it('lists jobs newest first with a cursor for the next page, filtered by status and type', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submit(g, { type: 'system.noop', project: 'alpha' }, ALPHA_KEY)).body.id);
    await Promise.all(ids.map((id) => waitDone(g, id)));
    const page1 = await (await g.call('/v1/jobs?limit=2&type=system.noop&project=alpha', { key: ALPHA_KEY })).json();
    expect(page1.items.map((j: JobRecord) => j.id)).toEqual([ids[2], ids[1]]);
    expect(page1.nextCursor).toBe(ids[1]);
    const page2 = await (
      await g.call(`/v1/jobs?limit=2&type=system.noop&project=alpha&cursor=${page1.nextCursor}`, { key: ALPHA_KEY })
    ).json();
    expect(page2.items[0].id).toBe(ids[0]);
    const succeeded = await (await g.call('/v1/jobs?status=succeeded&limit=500')).json();
    expect(succeeded.items.every((j: JobRecord) => j.status === 'succeeded')).toBe(true);
    expect((await g.call('/v1/jobs?status=bogus')).status).toBe(400);
  });

  it('cancels a running system.sleep job within a second of the request; a second cancel is 409', async () => {
    const { body } = await submit(g, { type: 'system.sleep', input: { ms: 60_000, steps: 600 } });
    await waitUntil(async () => (await (await g.call(`/v1/jobs/${body.id}`)).json()).status === 'running');
    const cancel = await g.call(`/v1/jobs/${body.id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(202);
    const done = await waitDone(g, body.id);
    expect(done.status).toBe('cancelled');
    expect((await g.call(`/v1/jobs/${body.id}/cancel`, { method: 'POST' })).status).toBe(409);
    expect((await g.call('/v1/jobs/01a00000-0000-7000-8000-000000000000/cancel', { method: 'POST' })).status).toBe(404);
  });

  it('answers wait with 408 when the job does not finish in time', async () => {
    const { body } = await submit(g, { type: 'system.sleep', input: { ms: 5_000, steps: 1 } });
    const res = await g.call(`/v1/jobs/${body.id}/wait?timeoutMs=200`);
    expect(res.status).toBe(408);
    expect((await res.json()).error.code).toBe('TIMEOUT');
  });

  it('streams state and progress as SSE and resumes after a disconnect from Last-Event-ID without gaps', async () => {
    const { body } = await submit(g, { type: 'system.sleep', input: { ms: 1_500, steps: 5 } });
    const abort = new AbortController();
    const first = await readSse(await g.call(`/v1/jobs/${body.id}/events`, { signal: abort.signal }), 2, abort);
    expect(['queued', 'running']).toContain(first[0]?.data.job.status);
    const lastId = first.at(-1)?.id ?? '';
    const rest = await readSse(await g.call(`/v1/jobs/${body.id}/events`, { headers: { 'last-event-id': lastId } }));
    const seqs = [...first, ...rest].map((e) => Number(e.id));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(Number(rest[0]?.id)).toBeGreaterThan(Number(lastId));
    expect(rest.some((e) => e.event === 'progress')).toBe(true);
    expect(rest.at(-1)?.data.job.status).toBe('succeeded');
  });

  it('sends a job’s status on WebSocket subscribe, then its changes, and answers ping with pong', async () => {
    const { body } = await submit(g, { type: 'system.sleep', input: { ms: 300, steps: 2 } });
    const ws = new WebSocket(`${g.url.replace('http', 'ws')}/v1/ws?access_token=admin-key-0123456789abcdef`);
    const messages: { type: string; job?: JobRecord }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.onerror = () => reject(new Error('websocket error'));
      ws.onopen = () => {
        ws.send(JSON.stringify({ type: 'subscribe', jobIds: [body.id] }));
        ws.send(JSON.stringify({ type: 'ping' }));
      };
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data.toString());
        messages.push(m);
        if (m.type === 'job' && m.job.status === 'succeeded') resolve();
      };
    });
    ws.close();
    expect(messages.some((m) => m.type === 'pong')).toBe(true);
    expect(messages.find((m) => m.type === 'job')?.job?.id).toBe(body.id);
    expect(messages.filter((m) => m.type === 'job').length).toBeGreaterThan(1);
  });

  it('submits a batch in one request and counts its jobs by state', async () => {
    const res = await g.call('/v1/batches', {
      method: 'POST',
      json: { items: [{ type: 'system.noop' }, { type: 'system.sleep', input: { ms: 10 } }] },
    });
    expect(res.status).toBe(202);
    const batch = await res.json();
    expect(batch.jobIds).toHaveLength(2);
    const view = await waitUntil(async () => {
      const v = await (await g.call(`/v1/batches/${batch.id}`)).json();
      return v.done ? v : undefined;
    });
    expect(view.counts.succeeded).toBe(2);
    const bad = await g.call('/v1/batches', {
      method: 'POST',
      json: { items: [{ type: 'system.noop' }, { type: 'system.sleep', input: {} }] },
    });
    expect(bad.status).toBe(400);
    expect((await g.call('/v1/batches/nope-nope')).status).toBe(404);
  });

  it('reports queues per band, pauses and resumes a queue, and purges waiting jobs', async () => {
    const pause = await g.call('/v1/queues/system/pause', { method: 'POST' });
    expect((await pause.json()).paused).toBe(true);
    const waiting = await submit(g, { type: 'system.noop', priority: 9 });
    const view = await waitUntil(async () => {
      const v = await (await g.call('/v1/queues/system')).json();
      return v.bands.find((b: { band: string }) => b.band === 'high').pending === 1 ? v : undefined;
    });
    expect(view.consumers).toBeGreaterThanOrEqual(1);
    expect(view.bands.find((b: { band: string }) => b.band === 'high').oldestWaitingMs).toBeGreaterThanOrEqual(0);
    const purge = await (await g.call('/v1/queues/system/purge', { method: 'POST' })).json();
    expect(purge.purged).toBe(1);
    expect((await (await g.call(`/v1/jobs/${waiting.body.id}`)).json()).status).toBe('cancelled');
    const resume = await g.call('/v1/queues/system/resume', { method: 'POST' });
    expect((await resume.json()).paused).toBe(false);
    const after = await submit(g, { type: 'system.noop' });
    expect((await waitDone(g, after.body.id)).status).toBe('succeeded');
    expect((await g.call('/v1/queues/nope')).status).toBe(404);
    const all = await (await g.call('/v1/queues')).json();
    expect(all.items.map((q: { name: string }) => q.name)).toEqual(
      expect.arrayContaining(['media', 'media-gpu', 'ai', 'publish', 'system']),
    );
  });

  it('lists live workers from their heartbeats', async () => {
    const res = await (await g.call('/v1/workers')).json();
    expect(res.items.some((w: { service: string; queues: string[] }) => w.service === 'scheduler' && w.queues.includes('system'))).toBe(
      true,
    );
  });

  it('shows dead jobs with their errors, requeues one with a patched input, and discards another', async () => {
    const a = await submit(g, { type: 'system.sleep', input: { ms: 1, failAttempts: 1 }, maxAttempts: 1 });
    const b = await submit(g, { type: 'system.sleep', input: { ms: 1, failAttempts: 1 }, maxAttempts: 1 });
    await waitDone(g, a.body.id);
    await waitDone(g, b.body.id);
    const dlq = await (await g.call('/v1/dlq?queue=system')).json();
    const dead = dlq.items.find((d: { job: { id: string } }) => d.job.id === a.body.id);
    expect(dead.reason).toBe('exhausted');
    expect(dead.errors[0].message).toMatch(/failing attempt 1/);
    const requeue = await g.call(`/v1/dlq/${a.body.id}/requeue`, { method: 'POST', json: { input: { ms: 1 } } });
    expect(requeue.status).toBe(202);
    expect((await waitDone(g, a.body.id)).status).toBe('succeeded');
    expect((await g.call(`/v1/dlq/${b.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await g.call(`/v1/dlq/${b.body.id}`, { method: 'DELETE' })).status).toBe(404);
    const badPatch = await g.call(`/v1/dlq/${a.body.id}/requeue`, { method: 'POST', json: { input: { ms: 'x' } } });
    expect(badPatch.status).toBe(404);
  });

  it('round-trips an artifact, serves byte ranges, and refuses wrong ranges and other projects', async () => {
    const bytes = new Uint8Array(10_000).map((_, i) => i % 251);
    const up = await g.call('/v1/artifacts?project=alpha&name=blob.bin', {
      method: 'POST',
      body: bytes,
      key: ALPHA_KEY,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(up.status).toBe(201);
    const ref = await up.json();
    expect(ref).toMatchObject({ size: 10_000, project: 'alpha', name: 'blob.bin' });
    const whole = new Uint8Array(await (await g.call(`/v1/artifacts/${ref.id}`, { key: ALPHA_KEY })).arrayBuffer());
    expect(whole).toEqual(bytes);
    const part = await g.call(`/v1/artifacts/${ref.id}`, { key: ALPHA_KEY, headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/10000');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(100, 200));
    expect((await g.call(`/v1/artifacts/${ref.id}`, { key: ALPHA_KEY, headers: { range: 'bytes=20000-' } })).status).toBe(416);
    expect((await g.call(`/v1/artifacts/${ref.id}`, { key: BETA_READER_KEY })).status).toBe(404);
  });

  it('answers 413 for a body over the limit and 415 for a JSON route given another type', async () => {
    const huge = await g.call('/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({ type: 'system.noop', input: { pad: 'x'.repeat(2_000_000) } }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    const wrongType = await g.call('/v1/jobs', {
      method: 'POST',
      body: 'type=system.noop',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongType.status).toBe(415);
  });

  it('serves health, readiness, Prometheus metrics and the OpenAPI document', async () => {
    expect((await g.call('/healthz', { key: null })).status).toBe(200);
    expect((await g.call('/readyz', { key: null })).status).toBe(200);
    const metrics = await (await g.call('/metrics', { key: null })).text();
    expect(metrics).toMatch(/reelay_jobs\{queue="system",state="succeeded"\} \d+/);
    expect(metrics).toMatch(/reelay_queue_depth\{queue="system",band="high"\}/);
    expect(metrics).toMatch(/reelay_job_wait_seconds_bucket/);
    // Process and Node defaults, as every worker service exports them.
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds /m);
    const spec = await (await g.call('/docs/json', { key: null })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/jobs', '/v1/jobs/{id}', '/v1/queues', '/v1/dlq', '/v1/artifacts']),
    );
  });
});

describe('gateway limits and failures', () => {
  it('rate limits each key (429) and answers 503 when NATS is down', async () => {
    const g = await startGateway({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await g.call('/v1/queues/system')).status);
      expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
      await g.system.nats.kill();
      const down = await g.call('/v1/jobs/01a00000-0000-7000-8000-000000000000', { key: ALPHA_KEY });
      expect(down.status).toBe(503);
      expect((await down.json()).error.code).toBe('UNAVAILABLE');
      expect((await g.call('/readyz', { key: null })).status).toBe(503);
    } finally {
      await g.close();
    }
  });

  it('refuses to start without API keys, saying how to give them', async () => {
    const { startProcess } = await import('@reelay/runtime/testing');
    const { GATEWAY } = await import('./gateway-fixture.js');
    const p = startProcess(GATEWAY, { NATS_URL: 'nats://127.0.0.1:1', REELAY_API_KEYS_FILE: '' });
    const code = await new Promise((r) => p.proc.once('exit', r));
    expect(code).toBe(78);
    expect(p.output()).toMatch(/REELAY_API_KEYS_FILE/);
  });
});
