/**
 * Reelay as the benchmarks run it: its own nats-server (the test fixture: 127.0.0.1, a
 * free port, file storage in a temporary directory), a bench process that submits with
 * `JobClient` and watches `events.jobs.>`, and workers in processes of their own
 * (reelay-worker.ts). Also the raw JetStream figures on the same server, the budget the
 * runtime spends.
 */
import { ALL_JOB_EVENTS, jobsStream, systemTasks } from '@reelay/contracts';
import { AckPolicy, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { type NatsContext, parseEnv, RuntimeEnv, type ServiceRuntime, startServiceRuntime } from '@reelay/runtime';
import { startNatsServer } from '@reelay/runtime/testing';
import { trackDir, trackKill } from './exit-cleanup.js';
import { benchStamp } from './handler-start.js';
import { JobTimes } from './job-times.js';
import { pidsByCommandLine } from './machine-load.js';
import { type BenchQueue, jobInput, type QueueSystem } from './queue-system.js';
import { rate } from './statistics.js';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions, workerEntry } from './worker-process.js';

export interface ReelaySystem extends QueueSystem {
  runtime: ServiceRuntime;
  natsUrl: string;
}

export async function startReelay(options: { payloadBytes: number; worker?: WorkerProcessOptions }): Promise<ReelaySystem> {
  const nats = await startNatsServer();
  const forgetKill = trackKill(() => void nats.kill());
  const forgetDir = trackDir(nats.storeDir);
  const serverPids = pidsByCommandLine(nats.storeDir);
  // The bench process is a service like any other: same config, same topology.
  const config = parseEnv(RuntimeEnv, { NATS_URL: nats.url, LOG_LEVEL: 'warn' });
  const runtime = await startServiceRuntime('bench', config, ['system']);
  const workers = new Set<WorkerProcess>();
  const input = jobInput(options.payloadBytes);
  const stream = jobsStream(systemTasks['system.noop'].queue);
  return {
    id: 'reelay',
    description: `Reelay, nats-server ${runtime.ctx.nc.info?.version} (file storage)`,
    runtime,
    natsUrl: nats.url,
    pids: () => [...serverPids, ...[...workers].map((w) => w.pid)],
    async openQueue(): Promise<BenchQueue> {
      let watch: ReturnType<typeof watchJobEvents> | undefined;
      let submitted = 0;
      const mine = new Set<WorkerProcess>();
      return {
        async doneCount() {
          // A work queue drops a message when it is acked: what is left is not done yet.
          // Every earlier run drained this queue, so what is left is this run's.
          const { state } = await runtime.ctx.jsm.streams.info(stream);
          return submitted - state.messages;
        },
        async watch() {
          watch ??= watchJobEvents(runtime.ctx);
          return watch.times;
        },
        async submitBatch(count) {
          await runtime.jobs.enqueueMany(Array.from({ length: count }, () => ({ type: 'system.noop', input })));
          submitted += count;
        },
        async submitOne() {
          const { job } = await runtime.jobs.enqueue({ type: benchStamp.type, input });
          submitted += 1;
          return job.id;
        },
        async startWorker(concurrency) {
          const worker = await startWorkerProcess(workerEntry('reelay-worker'), [nats.url, String(concurrency)], options.worker);
          workers.add(worker);
          mine.add(worker);
          return worker;
        },
        async close() {
          await Promise.all([...mine].map((w) => w.stop()));
          for (const w of mine) workers.delete(w);
          watch?.stop();
        },
      };
    },
    async close() {
      await Promise.all([...workers].map((w) => w.stop()));
      await runtime.close();
      await nats.stop();
      forgetKill();
      forgetDir();
    },
  };
}

/**
 * Start and finish times of every job, from its records as they are written: a `running`
 * record where there is one (a quick handler leaves none), the start a latency job's
 * handler reported in its result, and the final record.
 */
export function watchJobEvents(ctx: NatsContext): { times: JobTimes; stop(): void } {
  const times = new JobTimes();
  const sub = ctx.nc.subscribe(ALL_JOB_EVENTS, {
    callback: (_e, m) => {
      // A plain JSON read: the bench must not spend the CPU it is measuring on validation.
      const { job } = m.json() as { job: { id: string; status: string; result?: { handlerStartMs?: number } } };
      if (job.status === 'running') times.markStarted(job.id);
      else if (job.status === 'succeeded') {
        const at = job.result?.handlerStartMs;
        if (typeof at === 'number') times.markHandlerStarted(job.id, at);
        times.markDone(job.id);
      }
    },
  });
  return { times, stop: () => sub.unsubscribe() };
}

export interface RawJetStreamFigures {
  /** Publish and wait for the ack, one at a time, msg/s. */
  publishSerial: number;
  /** Publish with 1,000 acks outstanding, msg/s. */
  publishPipelined: number;
  /** One pull consumer, explicit ack per message, msg/s. */
  consume: number;
}

/**
 * Raw JetStream on the same server: a work-queue stream on file storage, a job-sized
 * message. What one write or one consume costs before the runtime adds anything.
 */
export async function rawJetStream(ctx: NatsContext, n: number, stream = 'BENCH_RAW'): Promise<RawJetStreamFigures> {
  const subject = `bench.raw.${stream.toLowerCase()}`;
  await ctx.jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, retention: RetentionPolicy.Workqueue });
  const payload = new TextEncoder().encode(JSON.stringify({ id: '01a00000-0000-7000-8000-000000000000', type: 'system.noop', input: {} }));
  let t = performance.now();
  const serial = Math.min(n, 5_000);
  for (let i = 0; i < serial; i++) await ctx.js.publish(subject, payload);
  const publishSerial = rate(serial, performance.now() - t);
  t = performance.now();
  for (let i = 0; i < n; i += 1_000) {
    await Promise.all(Array.from({ length: Math.min(1_000, n - i) }, () => ctx.js.publish(subject, payload)));
  }
  const publishPipelined = rate(n, performance.now() - t);
  await ctx.jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit });
  const consumer = await ctx.js.consumers.get(stream, 'raw');
  const total = serial + n;
  let seen = 0;
  let allSeen: () => void = () => {};
  const all = new Promise<void>((resolve) => (allSeen = resolve));
  t = performance.now();
  const messages = await consumer.consume({
    max_messages: 1_000,
    callback: (m) => {
      m.ack();
      if (++seen === total) allSeen();
    },
  });
  await all;
  const consume = rate(total, performance.now() - t);
  messages.stop();
  await ctx.jsm.streams.delete(stream);
  return { publishSerial, publishPipelined, consume };
}
