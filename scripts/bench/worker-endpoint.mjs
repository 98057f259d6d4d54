// The worker health and metrics endpoint under load: GET /metrics, /readyz and /healthz of a
// real scheduler (METRICS_PORT) after it ran `jobs` system.noop jobs, with autocannon.
// A benchmark, not a test: it prints figures. Usage: node scripts/bench/worker-endpoint.mjs [seconds] [jobs]
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { DEFAULT_QUEUES } from '../../packages/contracts/dist/index.js';
import { connectNats, ensureTopology, JobClient } from '../../packages/runtime/dist/index.js';
import { startNatsServer, startProcess, waitUntil } from '../../packages/runtime/dist/testing/index.js';

const seconds = Number(process.argv[2] ?? 5);
const jobs = Number(process.argv[3] ?? 2000);
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

const nats = await startNatsServer();
const scheduler = startProcess('services/scheduler/dist/main.js', { NATS_URL: nats.url, METRICS_PORT: String(port), LOG_LEVEL: 'warn' });
const ctx = await connectNats({ url: nats.url, name: 'bench' });
try {
  const buckets = await ensureTopology(ctx, { queues: [...DEFAULT_QUEUES], ackWaitMs: 30_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
  const client = new JobClient(ctx, { buckets });
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, { timeoutMs: 30_000 });
  await client.enqueueMany(Array.from({ length: jobs }, () => ({ type: 'system.noop', input: {} })));
  await waitUntil(
    async () => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const m = /reelay_task_run_seconds_count\{[^}]*task="system\.noop"[^}]*outcome="succeeded"[^}]*\} (\d+)/.exec(text);
      return Number(m?.[1] ?? 0) >= jobs;
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  );
  const size = (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).length;
  console.log(`after ${jobs} noop jobs: /metrics is ${size} bytes`);
  for (const path of ['/metrics', '/readyz', '/healthz']) {
    const r = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 4, duration: seconds });
    console.log(
      `${path.padEnd(9)} ${Math.round(r.requests.average)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}`,
    );
  }
} finally {
  await scheduler.kill();
  await ctx.nc.close();
  await nats.stop();
}
