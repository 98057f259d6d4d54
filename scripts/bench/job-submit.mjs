// `node scripts/bench/job-submit.mjs [jobs] [rounds]` — the submit side of the runtime
// alone: JobClient.enqueue one at a time (closed loop: jobs/s and latency p50/p99), 50
// enqueues in flight, and enqueueMany in chunks of 1,000, against a real nats-server with
// file storage and no workers (nothing competes with the submits). Run from the repository
// root after `pnpm --filter @reelay/runtime build`. Each round runs every workload once;
// medians over the rounds are printed last. A benchmark, not a test: it prints figures.
import os from 'node:os';
import { connectNats, ensureTopology, JobClient, startTelemetry } from '../../packages/runtime/dist/index.js';
import { startNatsServer } from '../../packages/runtime/dist/testing/index.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const N = Number(args[0] ?? 5_000);
const ROUNDS = Number(args[1] ?? 3);
if (!(N > 0) || !(ROUNDS > 0)) {
  console.error('usage: job-submit.mjs [jobs] [rounds] (both positive numbers)');
  process.exit(2);
}
const job = () => ({ type: 'system.noop', input: {} });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// As a service runs: spans are recorded (no exporter), so trace ids exist and propagate.
const telemetry = startTelemetry({ serviceName: 'bench-submit' });
const nats = await startNatsServer();
const ctx = await connectNats({ url: nats.url, name: 'bench-submit' });
const buckets = await ensureTopology(ctx, { queues: ['system'], ackWaitMs: 30_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
const client = new JobClient(ctx, { buckets });

async function oneAtATime() {
  const latencies = [];
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await client.enqueue(job());
    latencies.push(performance.now() - s);
  }
  return { perSec: N / ((performance.now() - t) / 1_000), p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

async function inFlight(width) {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next++ < N) await client.enqueue(job());
    }),
  );
  return { perSec: N / ((performance.now() - t) / 1_000) };
}

async function bulk() {
  const t = performance.now();
  for (let i = 0; i < N; i += 1_000) await client.enqueueMany(Array.from({ length: Math.min(1_000, N - i) }, job));
  return { perSec: N / ((performance.now() - t) / 1_000) };
}

try {
  for (let i = 0; i < 500; i++) await client.enqueue(job());
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const load = os.loadavg()[0];
    const round = { one: await oneAtATime(), fifty: await inFlight(50), bulk: await bulk(), load: Number(load.toFixed(2)) };
    rounds.push(round);
    console.log(
      `round ${r + 1}: one at a time ${Math.round(round.one.perSec)} jobs/s (p50 ${round.one.p50.toFixed(2)} ms, p99 ${round.one.p99.toFixed(2)} ms); 50 in flight ${Math.round(round.fifty.perSec)} jobs/s; enqueueMany ×1000 ${Math.round(round.bulk.perSec)} jobs/s; load ${round.load}`,
    );
  }
  const figures = {
    jobs: N,
    rounds: ROUNDS,
    oneAtATimePerSec: Math.round(median(rounds.map((r) => r.one.perSec))),
    oneAtATimeP50Ms: Number(median(rounds.map((r) => r.one.p50)).toFixed(3)),
    oneAtATimeP99Ms: Number(median(rounds.map((r) => r.one.p99)).toFixed(3)),
    fiftyInFlightPerSec: Math.round(median(rounds.map((r) => r.fifty.perSec))),
    bulkPerSec: Math.round(median(rounds.map((r) => r.bulk.perSec))),
  };
  console.log(`medians ${JSON.stringify(figures)}`);
} finally {
  await ctx.nc.close();
  await nats.stop();
  await telemetry.shutdown();
}
