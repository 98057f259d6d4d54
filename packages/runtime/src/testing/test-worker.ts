/**
 * A worker process for the runtime's integration tests (and a template for a custom
 * worker): it serves `system.*` and the `test.*` tasks on queues `test` and `system`.
 * Env: NATS_URL, WORKER_CONCURRENCY, WORKER_MAX_JOBS, WORKER_MAX_RSS_MB, REELAY_ENCRYPTION_KEY, ACK_WAIT_MS, SHUTDOWN_GRACE_MS, LOG_LEVEL, METRICS_PORT.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseEnvOrExit, envInt } from '../config/parse-env.js';
import { RuntimeEnv } from '../config/runtime-config.js';
import { HealthEnv } from '../health/health-env.js';
import { PermanentError, TransientError } from '../errors.js';
import { startServiceRuntime, onShutdownSignal } from '../service.js';
import type { Handler } from '../worker/job-context.js';
import { systemHandlers } from '../worker/system-handlers.js';
import { RecycleEnv, recycleOptions } from '../worker/recycle-env.js';
import { Worker } from '../worker/worker.js';
import { testTasks } from './test-tasks.js';

const Env = RuntimeEnv.extend({
  ...HealthEnv.shape,
  ...RecycleEnv.shape,
  WORKER_CONCURRENCY: envInt(4, 1),
  WORKER_QUEUES: z.string().default('test,system'),
});
const config = parseEnvOrExit(Env, process.env, 'test-worker');

const until = (signal: AbortSignal, ms?: number) =>
  new Promise<void>((resolve) => {
    const t = ms === undefined ? undefined : setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      if (t) clearTimeout(t);
      resolve();
    });
  });

/** test.block handlers running in this process now. */
let blocksRunning = 0;

const handlers: Record<string, Handler> = {
  ...systemHandlers,
  'test.echo': async (input) => input,
  'test.flaky': async (input: { succeedOn: number }, ctx) => {
    if (ctx.attempt < input.succeedOn) throw new TransientError(`attempt ${ctx.attempt} failed on purpose`);
    return { attempt: ctx.attempt };
  },
  'test.permanent': async () => {
    throw new PermanentError('this input can never work');
  },
  'test.crash': async (_input, ctx) => {
    ctx.log.warn('crashing on purpose');
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {});
  },
  'test.block': async (input: { ms?: number; ignoreAbort?: boolean; spawnSleep?: boolean }, ctx) => {
    // `alongside`: the test.block handlers this process ran when this one started, itself included.
    const alongside = ++blocksRunning;
    try {
      if (input.spawnSleep) {
        const child = ctx.children.spawn('sleep', ['600']);
        ctx.log.info({ child_pid: child.pid }, 'spawned child');
      }
      ctx.progress(1, 'started');
      const started = Date.now();
      if (input.ignoreAbort) await new Promise((r) => setTimeout(r, input.ms ?? 600_000));
      else await until(ctx.signal, input.ms);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      ctx.progress(100, 'done');
      return { ranMs: Date.now() - started, worker: process.pid, alongside };
    } finally {
      blocksRunning--;
    }
  },
  'test.limited': async () => ({ at: Date.now() }),
  // Proves the handler got the plaintext without putting it in the output (which is stored).
  // It returns a turn later, so its `running` record is written too and can be checked.
  'test.secret': async (input: { token: string; account: { password: string }; label: string }) => {
    await new Promise((r) => setImmediate(r));
    return {
      tokenSha256: createHash('sha256').update(input.token).digest('hex'),
      passwordLength: input.account.password.length,
      label: input.label,
    };
  },
  'test.progress': async (_input, ctx) => {
    for (let i = 1; i <= 100; i++) ctx.progress(i, `step ${i}`);
    await new Promise((r) => setTimeout(r, 50));
    return { ok: true };
  },
  'test.timeout': async (input: { ignoreSoft: boolean; spawnSleep?: boolean }, ctx) => {
    if (input.spawnSleep) {
      const child = ctx.children.spawn('sleep', ['600']);
      ctx.log.info({ child_pid: child.pid }, 'spawned child');
    }
    await until(ctx.signal);
    ctx.log.info({ reason: String(ctx.signal.reason?.code) }, 'soft limit seen');
    if (input.ignoreSoft) await new Promise((r) => setTimeout(r, 60_000));
    throw ctx.signal.reason;
  },
};

const runtime = await startServiceRuntime('test-worker', config, ['test']);
const worker = new Worker(runtime.workerDeps, {
  service: 'test-worker',
  queues: config.WORKER_QUEUES.split(','),
  concurrency: config.WORKER_CONCURRENCY,
  handlers,
  tasks: testTasks,
  ackWaitMs: config.ACK_WAIT_MS,
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  ...recycleOptions(config),
  heartbeatIntervalMs: 1_000,
});
await worker.start();
runtime.logger.info({ worker: worker.id }, 'test worker ready');
onShutdownSignal(runtime.logger, async () => {
  await worker.stop();
  await runtime.close();
});
