/**
 * The Reelay worker process the benchmarks drain with: `system.noop` (and the latency
 * workload's `bench.stamp`, handler-start.ts) on queue `system`,
 * through `runWorker` — the front door a user's own worker takes.
 * Usage (from worker-process.ts): node reelay-worker.js <nats-url> <concurrency>
 */
import { runWorker, systemTaskImplementations } from '@reelay/runtime';
import { benchStampImplementation } from './handler-start.js';

const [url, concurrency] = process.argv.slice(2);
const running = await runWorker({
  service: 'bench-worker',
  tasks: [...systemTaskImplementations, benchStampImplementation],
  queues: ['system'],
  concurrency: Number(concurrency),
  // warn: the worker logs nothing per job at info either, but the bench reads no logs.
  env: { NATS_URL: url, LOG_LEVEL: 'warn' },
});
process.send?.({ ready: true });
// The bench went away without stopping us (killed): do not outlive it.
process.on('disconnect', () => {
  void running.stop().finally(() => process.exit(0));
});
