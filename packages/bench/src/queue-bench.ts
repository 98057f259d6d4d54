/**
 * `pnpm bench:queue` — noop jobs through the runtime, next to raw JetStream on the same
 * server, so the runtime's cost reads as a ratio. A benchmark, not a test: it prints
 * figures and asserts nothing. For Reelay next to BullMQ, see peers-bench.ts.
 * Usage: node packages/bench/dist/queue-bench.js [jobs]
 */
import { installExitCleanup } from './exit-cleanup.js';
import { monotonicMs } from './monotonic-clock.js';
import type { BenchQueue } from './queue-system.js';
import { rawJetStream, startReelay } from './reelay-system.js';
import { fmtMs, percentile, rate } from './statistics.js';

const N = Number(process.argv[2] ?? 20_000);

/** Jobs submitted with enqueueMany in chunks of 1,000 while the workers run; end to end. */
async function throughput(queue: BenchQueue, label: string) {
  const times = await queue.watch();
  const t = performance.now();
  for (let i = 0; i < N; i += 1_000) await queue.submitBatch(Math.min(1_000, N - i));
  const submitted = performance.now() - t;
  await times.untilDone(N);
  const elapsed = times.lastDoneAt - t;
  console.log(`${label}: ${rate(N, elapsed)} jobs/s end to end (${N} jobs; submitting alone ${rate(N, submitted)} jobs/s)`);
}

async function latency(queue: BenchQueue, label: string, samples = 1_000) {
  const times = await queue.watch();
  const toStart: number[] = [];
  const toDone: number[] = [];
  for (let i = 0; i < samples; i++) {
    const tMonotonic = monotonicMs();
    const t = performance.now();
    const id = await queue.submitOne();
    await times.untilJobDone(id);
    const s = times.handlerStarted.get(id);
    if (s !== undefined) toStart.push(s - tMonotonic);
    toDone.push(times.done.get(id)! - t);
  }
  console.log(
    `${label}: submit→start p50 ${fmtMs(percentile(toStart, 50))} p99 ${fmtMs(percentile(toStart, 99))}; submit→done p50 ${fmtMs(percentile(toDone, 50))} p99 ${fmtMs(percentile(toDone, 99))} (${samples} jobs one at a time)`,
  );
}

/** One queue (and watch) per measurement, with `count` worker processes at `concurrency`. */
async function withWorkers(
  system: Awaited<ReturnType<typeof startReelay>>,
  count: number,
  concurrency: number,
  fn: (q: BenchQueue) => Promise<void>,
) {
  const queue = await system.openQueue();
  try {
    for (let i = 0; i < count; i++) await queue.startWorker(concurrency);
    await fn(queue);
  } finally {
    await queue.close();
  }
}

installExitCleanup();
const system = await startReelay({ payloadBytes: 0 });
try {
  console.log(`queue benchmark: ${N} noop jobs, nats-server ${system.runtime.ctx.nc.info?.version}, node ${process.version}`);
  const raw = await rawJetStream(system.runtime.ctx, N);
  console.log(
    `raw JetStream: publish+ack one at a time ${raw.publishSerial}/s, pipelined (1000 in flight) ${raw.publishPipelined}/s, consume+ack ${raw.consume}/s`,
  );
  await withWorkers(system, 1, 1, async (q) => {
    await throughput(q, '1 worker, concurrency 1');
    await latency(q, '1 worker, concurrency 1');
  });
  await withWorkers(system, 1, 50, (q) => throughput(q, '1 worker, concurrency 50'));
  await withWorkers(system, 2, 50, (q) => throughput(q, '2 workers, concurrency 50 each'));
} finally {
  await system.close();
}
process.exit(0);
