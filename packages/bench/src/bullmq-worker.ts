/**
 * The BullMQ worker process the peer benchmark drains with, as BullMQ's docs write one:
 * `new Worker(queue, async () => {}, { connection, concurrency })`, defaults otherwise
 * (completed jobs are kept, as Reelay keeps every job's record).
 * Usage (from worker-process.ts): node bullmq-worker.js <redis-port> <queue> <concurrency>
 */
import { Worker } from 'bullmq';
import { BULLMQ_STAMP_JOB, monotonicMs } from './monotonic-clock.js';

const [port, queue, concurrency] = process.argv.slice(2);
// The latency workload's jobs return when their handler began (monotonic-clock.ts).
const worker = new Worker(queue!, async (job) => (job.name === BULLMQ_STAMP_JOB ? monotonicMs() : undefined), {
  connection: { host: '127.0.0.1', port: Number(port) },
  concurrency: Number(concurrency),
});
worker.on('error', (err) => process.stderr.write(`bullmq worker: ${err.stack ?? err}\n`));
await worker.waitUntilReady();
process.send?.({ ready: true });

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  void worker.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
