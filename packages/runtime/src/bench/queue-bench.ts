/**
 * `pnpm bench:queue` — noop jobs through the runtime, next to raw JetStream on the same
 * server, so the runtime's cost reads as a ratio. A benchmark, not a test: it prints
 * figures and asserts nothing. Usage: node packages/runtime/dist/bench/queue-bench.js [jobs]
 */
import { fileURLToPath } from 'node:url';
import { ALL_JOB_EVENTS } from '@reelay/contracts';
import { AckPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { JobClient } from '../jobs/job-client.js';
import { connectNats, type NatsContext } from '../nats/connection.js';
import { ensureTopology } from '../nats/topology.js';
import { startNatsServer } from '../testing/nats-server.js';
import { startProcess, type ServiceProcess } from '../testing/service-process.js';

const N = Number(process.argv[2] ?? 20_000);
const WORKER = fileURLToPath(new URL('../testing/test-worker.js', import.meta.url));

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function rawJetStream(ctx: NatsContext) {
  await ctx.jsm.streams.add({
    name: 'BENCH_RAW',
    subjects: ['bench.raw'],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
  });
  const payload = new TextEncoder().encode(JSON.stringify({ id: '01a00000-0000-7000-8000-000000000000', type: 'system.noop', input: {} }));
  // publish with ack, one at a time
  let t = performance.now();
  const serial = Math.min(N, 5_000);
  for (let i = 0; i < serial; i++) await ctx.js.publish('bench.raw', payload);
  const publishSerial = rate(serial, performance.now() - t);
  // publish with ack, pipelined 1000 in flight
  t = performance.now();
  for (let i = 0; i < N; i += 1_000) {
    await Promise.all(Array.from({ length: Math.min(1_000, N - i) }, () => ctx.js.publish('bench.raw', payload)));
  }
  const publishPipelined = rate(N, performance.now() - t);
  await ctx.jsm.consumers.add('BENCH_RAW', { durable_name: 'raw', ack_policy: AckPolicy.Explicit });
  const consumer = await ctx.js.consumers.get('BENCH_RAW', 'raw');
  const total = serial + N;
  t = performance.now();
  await new Promise<void>((resolve) => {
    let seen = 0;
    void consumer.consume({
      max_messages: 1_000,
      callback: (m) => {
        m.ack();
        if (++seen === total) resolve();
      },
    });
  });
  const consume = rate(total, performance.now() - t);
  return { publishSerial, publishPipelined, consume };
}

/** Counts terminal events as they arrive; resolves when `n` jobs of this run finished. */
function watchEvents(ctx: NatsContext) {
  const started = new Map<string, number>();
  const done = new Map<string, number>();
  let onDone: (() => void) | undefined;
  let target = Number.POSITIVE_INFINITY;
  const sub = ctx.nc.subscribe(ALL_JOB_EVENTS, {
    callback: (_e, m) => {
      // A plain JSON read: the bench must not spend the CPU it is measuring on validation.
      const { job } = m.json() as { job: { id: string; status: string } };
      if (job.status === 'running' && !started.has(job.id)) started.set(job.id, performance.now());
      if (job.status === 'succeeded') {
        done.set(job.id, performance.now());
        if (done.size >= target) onDone?.();
      }
    },
  });
  return {
    started,
    done,
    until(n: number) {
      target = n;
      return new Promise<void>((resolve) => {
        onDone = resolve;
        if (done.size >= n) resolve();
      });
    },
    reset() {
      started.clear();
      done.clear();
    },
    stop: () => sub.unsubscribe(),
  };
}

async function throughput(client: JobClient, ctx: NatsContext, label: string) {
  const events = watchEvents(ctx);
  const t = performance.now();
  for (let i = 0; i < N; i += 1_000) {
    await client.enqueueMany(Array.from({ length: Math.min(1_000, N - i) }, () => ({ type: 'system.noop', input: {} })));
  }
  const submitted = performance.now() - t;
  await events.until(N);
  const elapsed = performance.now() - t;
  events.stop();
  console.log(`${label}: ${rate(N, elapsed)} jobs/s end to end (${N} jobs; submitting alone ${rate(N, submitted)} jobs/s)`);
  return rate(N, elapsed);
}

async function latency(client: JobClient, ctx: NatsContext, label: string, samples = 1_000) {
  const events = watchEvents(ctx);
  const toStart: number[] = [];
  const toDone: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    const { job } = await client.enqueue({ type: 'system.noop', input: {} });
    await events.until(i + 1);
    const s = events.started.get(job.id);
    const d = events.done.get(job.id);
    if (s !== undefined) toStart.push(s - t);
    if (d !== undefined) toDone.push(d - t);
  }
  events.stop();
  console.log(
    `${label}: submit→start p50 ${fmt(pct(toStart, 50))} p99 ${fmt(pct(toStart, 99))}; submit→done p50 ${fmt(pct(toDone, 50))} p99 ${fmt(pct(toDone, 99))} (${samples} jobs one at a time)`,
  );
  return { startP50: pct(toStart, 50), startP99: pct(toStart, 99), doneP50: pct(toDone, 50), doneP99: pct(toDone, 99) };
}

async function withWorkers(url: string, count: number, concurrency: number, fn: (w: ServiceProcess[]) => Promise<void>) {
  const workers = Array.from({ length: count }, () =>
    startProcess(WORKER, { NATS_URL: url, WORKER_QUEUES: 'system', WORKER_CONCURRENCY: String(concurrency), LOG_LEVEL: 'info' }),
  );
  await Promise.all(workers.map((w) => w.waitFor(/"msg":"test worker ready"|test worker ready/, 30_000).catch(() => undefined)));
  try {
    await fn(workers);
  } finally {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  }
}

const nats = await startNatsServer();
try {
  const ctx = await connectNats({ url: nats.url, name: 'queue-bench' });
  const buckets = await ensureTopology(ctx, { queues: ['system', 'test'], ackWaitMs: 30_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
  const client = new JobClient(ctx, { buckets });
  console.log(`queue benchmark: ${N} noop jobs, nats-server ${ctx.nc.info?.version}, node ${process.version}`);
  const raw = await rawJetStream(ctx);
  console.log(
    `raw JetStream: publish+ack one at a time ${raw.publishSerial}/s, pipelined (1000 in flight) ${raw.publishPipelined}/s, consume+ack ${raw.consume}/s`,
  );
  // The worker needs INFO-level "ready" to be seen: run at info, it logs nothing per job.
  await withWorkers(nats.url, 1, 1, async () => {
    await throughput(client, ctx, '1 worker, concurrency 1');
    await latency(client, ctx, '1 worker, concurrency 1');
  });
  await withWorkers(nats.url, 1, 50, async () => {
    await throughput(client, ctx, '1 worker, concurrency 50');
  });
  await withWorkers(nats.url, 2, 50, async () => {
    await throughput(client, ctx, '2 workers, concurrency 50 each');
  });
  await ctx.nc.close();
} finally {
  await nats.stop();
}
