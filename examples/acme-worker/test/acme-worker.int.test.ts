/**
 * docs/custom-tasks.md, run: nats-server, the scheduler (it runs workflows), the gateway
 * and acme-worker, each its own process, and a local HTTP server on 127.0.0.1 that speaks
 * the rates API (429 with Retry-After until it is ready, 404 for a currency it does not
 * know). Everything is called the way the guide calls it: REST and the typed SDK client.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { createClient, type JobView, ref } from '@reelay/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmeTasks } from '../src/contracts.js';

const ACME_WORKER = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const GATEWAY = fileURLToPath(new URL('../../../services/gateway/dist/main.js', import.meta.url));
const SCHEDULER = fileURLToPath(new URL('../../../services/scheduler/dist/main.js', import.meta.url));
const KEY = 'acme-example-key-0123456789';

/** The rates API: EUR→USD is 1.08; each pair is rate-limited (429, Retry-After: 1) for its first `busyFor` calls. */
interface RatesApi {
  server: Server;
  url: string;
  /** Calls seen per `FROM/TO`. */
  calls: Map<string, number>;
  busyFor: Map<string, number>;
}

function startRatesApi(): Promise<RatesApi> {
  const rates: Record<string, number> = { 'EUR/USD': 1.08, 'USD/EUR': 0.93, 'GBP/EUR': 1.17 };
  const calls = new Map<string, number>();
  const busyFor = new Map<string, number>();
  const server = createServer((req, res) => {
    const m = req.url?.match(/^\/api\/rates\/([A-Z]{3})\/([A-Z]{3})$/);
    if (!m) return res.writeHead(404).end();
    const pair = `${m[1]}/${m[2]}`;
    const n = (calls.get(pair) ?? 0) + 1;
    calls.set(pair, n);
    if (n <= (busyFor.get(pair) ?? 0)) return res.writeHead(429, { 'retry-after': '1' }).end('slow down');
    const rate = rates[pair];
    if (rate === undefined) return res.writeHead(404, { 'content-type': 'text/plain' }).end(`no rate for ${pair}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rate }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      // A path prefix, as a real API base URL often has: the task must keep it.
      resolve({ server, url: `http://127.0.0.1:${port}/api`, calls, busyFor });
    }),
  );
}

describe('acme-worker, the custom-tasks guide', () => {
  let system: TestSystem;
  let rates: RatesApi;
  let dir: string;
  let gatewayUrl: string;

  const call = (pathname: string, init: { method?: string; json?: unknown } = {}) =>
    fetch(`${gatewayUrl}${pathname}`, {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${KEY}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
  const waitForJob = async (id: string): Promise<JobView> => {
    const res = await call(`/v1/jobs/${id}/wait?timeoutMs=60000`);
    expect(res.status).toBe(200);
    return (await res.json()) as JobView;
  };

  beforeAll(async () => {
    rates = await startRatesApi();
    system = await startTestSystem({ ackWaitMs: 2_000 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-acme-'));
    const keysFile = path.join(dir, 'keys.json');
    await writeFile(keysFile, JSON.stringify([{ name: 'acme', key: KEY, scopes: ['jobs:write', 'jobs:read'], projects: ['*'] }]));
    await system.startService(SCHEDULER, {}, /scheduler ready/);
    const gateway = await system.startService(GATEWAY, { PORT: '0', REELAY_API_KEYS_FILE: keysFile }, /gateway ready on http:\/\/[\d.:]+/);
    gatewayUrl = gateway.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '';
    await system.startService(ACME_WORKER, { ACME_RATES_URL: rates.url, ACME_CONCURRENCY: '2' }, /acme-worker ready/);
  });

  afterAll(async () => {
    await system?.close();
    await new Promise((resolve) => rates?.server.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the CPU-bound task, submitted over REST, returns a nonce whose hash has the asked-for zero bits', async () => {
    const submitted = await call('/v1/jobs', { json: { type: 'acme.proof-of-work', input: { data: 'invoice-42', difficultyBits: 14 } } });
    expect(submitted.status).toBe(202);
    const { id, queue } = (await submitted.json()) as { id: string; queue: string };
    expect(queue).toBe('acme');
    const job = await waitForJob(id);
    expect(job.status).toBe('succeeded');
    const result = job.result as { nonce: number; hash: string; hashes: number };
    const digest = createHash('sha256').update(`invoice-42:${result.nonce}`).digest();
    expect(result.hash).toBe(digest.toString('hex'));
    // 14 zero bits: the first byte and the top 6 bits of the second are zero.
    expect(digest[0]).toBe(0);
    expect(digest[1]! >> 2).toBe(0);
    expect(result.hashes).toBe(result.nonce + 1);
  });

  it('the HTTP task, rate-limited twice with 429 + Retry-After, succeeds on a job allowed one attempt: waiting spent none', async () => {
    rates.busyFor.set('EUR/USD', 2);
    const client = createClient({ baseUrl: gatewayUrl, apiKey: KEY, tasks: acmeTasks });
    const job = await client.submit('acme.convert-currency', { amount: 100, from: 'EUR', to: 'USD' }, { maxAttempts: 1 });
    const result = await job.result({ timeoutMs: 60_000 });
    expect(result).toEqual({ amount: 100, from: 'EUR', to: 'USD', rate: 1.08, converted: 108, summary: '100 EUR = 108 USD' });
    expect(rates.calls.get('EUR/USD')).toBe(3);
    const record = await job.get();
    expect(record.attempts).toBe(1);
    expect(record.freeRedeliveries).toBe(2);
  });

  it('a 4xx other than 429 fails the job at once, without retrying, and puts it in the DLQ', async () => {
    const submitted = await call('/v1/jobs', { json: { type: 'acme.convert-currency', input: { amount: 5, from: 'XAU', to: 'EUR' } } });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    const job = await waitForJob(id);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'PERMANENT', retryable: false } });
    expect(job.maxAttempts).toBe(3);
    expect(rates.calls.get('XAU/EUR')).toBe(1);
    const dlq = (await (await call('/v1/dlq?queue=acme')).json()) as { items: { job: { id: string } }[] };
    expect(dlq.items.map((d) => d.job.id)).toContain(id);
  });

  it('input that breaks a task schema is refused with 400 and the failing paths; an unregistered type is UNKNOWN_TASK', async () => {
    const bad = await call('/v1/jobs', { json: { type: 'acme.convert-currency', input: { amount: -1, from: 'euro', to: 'USD' } } });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; details?: { path: string }[] } };
    expect(body.error.code).toBe('INVALID_INPUT');
    expect((body.error.details ?? []).map((d) => d.path).sort()).toEqual(['amount', 'from']);

    const unknown = await call('/v1/jobs', { json: { type: 'acme.nothing', input: {} } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_TASK');
  });

  it('a workflow runs the two custom tasks as steps, the second reading the first one’s result', async () => {
    const client = createClient({ baseUrl: gatewayUrl, apiKey: KEY, tasks: acmeTasks });
    const spec = client
      .workflow({ name: 'quote-and-stamp' })
      .step('quote', 'acme.convert-currency', { amount: 20, from: 'GBP', to: 'EUR' })
      .step('stamp', 'acme.proof-of-work', { data: ref('quote', 'summary'), difficultyBits: 8 })
      .build();
    expect(spec.steps[1]).toMatchObject({ dependsOn: ['quote'], input: { data: { $ref: 'quote.result.summary' } } });
    const { id } = await client.submitWorkflow(spec);
    const view = await waitUntil(
      async () => {
        const v = await client.getWorkflow(id);
        return v.status === 'running' ? undefined : v;
      },
      { timeoutMs: 60_000, what: `workflow ${id} to finish` },
    );
    expect(view.status).toBe('succeeded');
    const stamp = view.steps.find((s) => s.id === 'stamp');
    const stampJob = await client.get(stamp?.jobId ?? '');
    expect(stampJob.input).toEqual({ data: '20 GBP = 23.4 EUR', difficultyBits: 8 });
    const { nonce, hash } = stampJob.result as { nonce: number; hash: string };
    expect(createHash('sha256').update(`20 GBP = 23.4 EUR:${nonce}`).digest('hex')).toBe(hash);
  });

  it('GET /v1/tasks lists both tasks with their schemas, queue and the live acme-worker', async () => {
    const res = await call('/v1/tasks');
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as {
      items: { type: string; queue: string; builtIn: boolean; inputSchema: { required?: string[] }; workers: { service: string }[] }[];
    };
    for (const type of ['acme.proof-of-work', 'acme.convert-currency']) {
      const task = items.find((t) => t.type === type);
      expect(task, type).toMatchObject({ queue: 'acme', builtIn: false });
      expect(task?.workers.map((w) => w.service)).toEqual(['acme-worker']);
    }
    expect(items.find((t) => t.type === 'acme.convert-currency')?.inputSchema.required).toEqual(['amount', 'from', 'to']);
  });

  it('what the dashboard reads shows the worker with its queue and the tasks it serves', async () => {
    const workers = (await (await call('/v1/workers')).json()) as { items: { service: string; queues: string[]; tasks?: string[] }[] };
    const worker = workers.items.find((w) => w.service === 'acme-worker');
    expect(worker?.queues).toEqual(['acme']);
    expect(worker?.tasks?.slice().sort()).toEqual(['acme.convert-currency', 'acme.proof-of-work']);
  });
});
