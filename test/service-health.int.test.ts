/**
 * Every worker service serves /healthz, /readyz and /metrics on METRICS_PORT, from the
 * shared runtime (packages/runtime/src/health). The scheduler is taken through the whole
 * story — alive but not ready before NATS is reachable, ready once its worker runs,
 * task histograms and failure counts after real jobs, not ready while NATS is away — and
 * the other four services show they are wired the same way.
 */
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { JobRecord, WorkerHeartbeat } from '@reelay/contracts';
import type { JobClient, NatsContext } from '@reelay/runtime';
import type { NatsServerHandle, ServiceProcess, TestSystem } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The root package depends on no workspace package: load them as a service would.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fromScheduler = createRequire(join(root, 'services/scheduler/package.json'));
const load = async <T>(name: string) => (await import(pathToFileURL(fromScheduler.resolve(name)).href)) as T;
const {
  connectNats,
  controlWorker,
  ensureTopology,
  JobClient: Client,
  uniqueKeys,
} = await load<typeof import('@reelay/runtime')>('@reelay/runtime');
const { DEFAULT_QUEUES } = await load<typeof import('@reelay/contracts')>('@reelay/contracts');
const { startNatsServer, startProcess, startTestSystem, waitUntil } =
  await load<typeof import('@reelay/runtime/testing')>('@reelay/runtime/testing');

const entry = (service: string) => join(root, 'services', service, 'dist/main.js');

/** A port nothing listens on now (the OS's pick, released at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function probe(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

/** One sample of a Prometheus text exposition: the value of `name` whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('a worker service’s health and metrics endpoint (scheduler)', () => {
  let nats: NatsServerHandle;
  let scheduler: ServiceProcess;
  let port: number;
  let ctx: NatsContext | undefined;
  let client: JobClient;

  beforeAll(async () => {
    nats = await startNatsServer();
    // Stopped before the service starts: it must come up alive and not ready.
    await nats.kill();
    port = await freePort();
    scheduler = startProcess(entry('scheduler'), {
      NATS_URL: nats.url,
      METRICS_PORT: String(port),
      METRICS_HOST: '127.0.0.1',
      ACK_WAIT_MS: '2000',
    });
    await scheduler.waitFor(/metrics and health on/);
  });
  afterAll(async () => {
    await scheduler?.kill('SIGKILL');
    await ctx?.nc.close().catch(() => {});
    await nats?.stop();
  });

  it('answers /healthz but not /readyz while NATS is out of reach, and /readyz once NATS is up and its worker runs', async () => {
    await scheduler.waitFor(/NATS not reachable yet; retrying/);
    expect((await probe(port, '/healthz')).status).toBe(200);
    const notReady = await probe(port, '/readyz');
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toMatchObject({ ok: false, reason: 'not connected to NATS yet' });

    await nats.restart();
    await scheduler.waitFor(/scheduler ready/);
    const ready = await waitUntil(async () => {
      const r = await probe(port, '/readyz');
      return r.status === 200 ? r : undefined;
    });
    expect(JSON.parse(ready.body)).toMatchObject({ ok: true, workers: [{ worker: 'scheduler', queues: ['system'] }] });
  });

  it('/metrics carries wait and run histograms, retries and failures by error code, DLQ depth and slots after jobs ran', async () => {
    ctx = await connectNats({ url: nats.url, name: 'service-health-test' });
    const buckets = await ensureTopology(ctx, { queues: [...DEFAULT_QUEUES], ackWaitMs: 2_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
    client = new Client(ctx, { buckets });
    const submitted = [
      ...(await Promise.all([1, 2, 3].map(() => client.enqueue({ type: 'system.noop', input: {} })))),
      // Fails its first attempt (retryable), succeeds on the second.
      await client.enqueue({ type: 'system.sleep', input: { ms: 1, steps: 1, failAttempts: 1 }, maxAttempts: 3 }),
      // Fails its only attempt: exhausted, dead-lettered.
      await client.enqueue({ type: 'system.sleep', input: { ms: 1, steps: 1, failAttempts: 5 }, maxAttempts: 1 }),
    ].map((r) => r.job.id);
    const finished = await Promise.all(
      submitted.map((id) =>
        waitUntil(
          async () => {
            const job = await client.get(id);
            return job && (job.status === 'succeeded' || job.status === 'failed') ? job : undefined;
          },
          { what: `job ${id} to finish` },
        ),
      ),
    );
    const dead = finished[4] as JobRecord;
    expect(finished.map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed']);
    const code = dead.error?.code ?? '';
    expect(code).toBe('TRANSIENT');

    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const noop = { service: 'scheduler', task: 'system.noop', queue: 'system' };
    expect(sample(text, 'reelay_task_wait_seconds_count', noop)).toBe(3);
    expect(sample(text, 'reelay_task_wait_seconds_bucket', { ...noop, le: '+Inf' })).toBe(3);
    expect(sample(text, 'reelay_task_run_seconds_count', { ...noop, outcome: 'succeeded' })).toBe(3);
    const sleep = { task: 'system.sleep', queue: 'system' };
    expect(sample(text, 'reelay_task_wait_seconds_count', sleep)).toBe(3);
    expect(sample(text, 'reelay_task_run_seconds_count', { ...sleep, outcome: 'retrying' })).toBe(1);
    expect(sample(text, 'reelay_task_run_seconds_count', { ...sleep, outcome: 'succeeded' })).toBe(1);
    expect(sample(text, 'reelay_task_run_seconds_count', { ...sleep, outcome: 'failed' })).toBe(1);
    expect(sample(text, 'reelay_task_retries_total', { task: 'system.sleep', code })).toBe(1);
    expect(sample(text, 'reelay_task_failures_total', { task: 'system.sleep', code })).toBe(1);
    // The store's count (every dead letter in the stream, whoever wrote it), at least ours.
    const dlq = (await ctx.jsm.streams.info('DLQ')).state.messages;
    expect(dlq).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'reelay_dlq_depth', { stream: 'DLQ' })).toBe(dlq);
    expect(sample(text, 'reelay_worker_slots', { worker: 'scheduler', state: 'total' })).toBe(50);
    expect(sample(text, 'reelay_worker_slots', { worker: 'scheduler', state: 'busy' })).toBe(0);
    // prom-client's process and Node defaults.
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('/readyz answers 503 with the reason while its worker is drained by worker control, and 200 again once resumed', async () => {
    const live = ctx as NatsContext;
    const workers = await live.kvm.open('workers');
    const workerId = await waitUntil(
      async () => {
        for (const key of await uniqueKeys(workers)) {
          const hb = (await workers.get(key))?.json<WorkerHeartbeat>();
          if (hb?.service === 'scheduler' && hb.pid === scheduler.proc.pid) return hb.id;
        }
        return undefined;
      },
      { what: 'the scheduler worker’s heartbeat' },
    );
    expect((await probe(port, '/readyz')).status).toBe(200);

    expect(await controlWorker(live, { workerId, action: 'drain' })).toMatchObject({ accepted: true, state: 'draining' });
    const drained = await waitUntil(
      async () => {
        const r = await probe(port, '/readyz');
        return r.status === 503 ? r : undefined;
      },
      { what: '/readyz to answer 503 while drained' },
    );
    expect(JSON.parse(drained.body)).toMatchObject({ ok: false, reason: expect.stringContaining('worker scheduler is draining') });
    // Alive all the while: a drained worker is not restarted.
    expect((await probe(port, '/healthz')).status).toBe(200);

    expect(await controlWorker(live, { workerId, action: 'resume' })).toMatchObject({ accepted: true, state: 'running' });
    await waitUntil(async () => (await probe(port, '/readyz')).status === 200, { what: '/readyz to answer 200 after resume' });
  });

  it('/readyz turns 503 while NATS is away and 200 once it is back; /healthz stays 200 throughout', async () => {
    await nats.kill();
    const away = await waitUntil(async () => {
      const r = await probe(port, '/readyz');
      return r.status === 503 ? r : undefined;
    });
    expect(JSON.parse(away.body).ok).toBe(false);
    expect((await probe(port, '/healthz')).status).toBe(200);
    // The DLQ depth is the store's number: unknown while the store is away, not a zero.
    expect(sample(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), 'reelay_dlq_depth')).toBeUndefined();

    await nats.restart();
    await waitUntil(async () => (await probe(port, '/readyz')).status === 200, { what: 'ready again after NATS came back' });
    expect((await probe(port, '/healthz')).status).toBe(200);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await probe(port, '/v1/jobs')).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`, { method: 'POST' })).status).toBe(405);
  });
});

describe('every worker service serves the endpoint from the same runtime', () => {
  let system: TestSystem;
  const services = [
    { name: 'ai', worker: 'ai', env: { AI_CONCURRENCY: '2' } },
    { name: 'books', worker: 'books-export', env: { BOOKS_ROLES: 'export' } },
    { name: 'publisher', worker: 'publisher', env: {} },
    { name: 'render-gpu', worker: 'render-gpu', env: { MEDIA_CONCURRENCY: '2', MEDIA_GPU: 'off' } },
  ];
  const ports = new Map<string, number>();

  beforeAll(async () => {
    system = await startTestSystem();
    await Promise.all(
      services.map(async (s) => {
        const port = await freePort();
        ports.set(s.name, port);
        await system.startService(entry(s.name), { ...s.env, METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' }, /ready/);
      }),
    );
  }, 90_000);
  afterAll(() => system?.close());

  it.each(services)('$name is ready and reports its worker’s slots', async ({ name, worker }) => {
    const port = ports.get(name) as number;
    expect((await probe(port, '/healthz')).status).toBe(200);
    await waitUntil(async () => (await probe(port, '/readyz')).status === 200, { what: `${name} ready` });
    const text = (await probe(port, '/metrics')).body;
    expect(sample(text, 'reelay_worker_slots', { service: name, worker, state: 'total' })).toBeGreaterThan(0);
    expect(sample(text, 'process_resident_memory_bytes', { service: name })).toBeGreaterThan(0);
  });
});
