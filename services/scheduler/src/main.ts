/**
 * services/scheduler — decides what runs when. For now it serves the `system` queue
 * (system.noop, system.sleep); workflows, cron, delayed jobs and upkeep follow.
 */
import { envInt, onShutdownSignal, parseEnvOrExit, RuntimeEnv, startServiceRuntime, systemHandlers, Worker } from '@reelay/runtime';

const Env = RuntimeEnv.extend({
  SYSTEM_CONCURRENCY: envInt(50, 1).describe('Concurrent system.* jobs in this process.'),
});
const config = parseEnvOrExit(Env, process.env, 'scheduler');
const runtime = await startServiceRuntime('scheduler', config);
const worker = new Worker(
  { ctx: runtime.ctx, logger: runtime.logger, buckets: runtime.buckets, artifacts: runtime.artifacts, jobs: runtime.jobs },
  {
    service: 'scheduler',
    queues: ['system'],
    concurrency: config.SYSTEM_CONCURRENCY,
    handlers: systemHandlers,
    ackWaitMs: config.ACK_WAIT_MS,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  },
);
await worker.start();
runtime.logger.info('scheduler ready');
onShutdownSignal(runtime.logger, async () => {
  await worker.stop();
  await runtime.close();
});
