// The worker process of worker-ab.mjs: runWorker from the given build, system.noop (and
// bench.stamp for the latency mode) on queue `system`, reporting its CPU time over IPC.
// Args: <nats-url> <concurrency> <runtime index.js>
import { pathToFileURL } from 'node:url';
const [url, concurrency, runtimePath] = process.argv.slice(2);
const { runWorker, systemTaskImplementations } = await import(pathToFileURL(runtimePath).href);
// The latency mode's job (it reports when its handler began), from this checkout's bench.
const { benchStampImplementation } = await import(new URL('../../packages/bench/dist/handler-start.js', import.meta.url).href);
const running = await runWorker({
  service: 'bench-worker',
  tasks: [...systemTaskImplementations, benchStampImplementation],
  queues: ['system'],
  concurrency: Number(concurrency),
  env: { NATS_URL: url, LOG_LEVEL: 'warn' },
  handleSignals: false,
});
process.on('message', (m) => {
  if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
  if (m === 'stop') void running.stop().finally(() => process.exit(0));
});
process.send({ ready: true, cpu: process.cpuUsage() });
process.on('disconnect', () => process.exit(0));
