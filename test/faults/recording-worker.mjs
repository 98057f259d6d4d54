// A worker process for the fault suite, built as any custom worker is (implementTask +
// runWorker, docs/custom-tasks.md). It serves one task, `faults.sleep`: system.sleep's
// contract and handler on a queue of its own, `faults`, so no other worker takes it.
// Each time the handler starts and ends it appends one line to FAULT_RUN_LOG. The log is
// a plain file written synchronously, so it survives a kill -9 of this process and an
// outage of NATS: it is how the suite counts jobs that ran twice, which the job records
// alone cannot tell (two overlapping runs leave one record).
// Plain JS (not TS): it runs as `node recording-worker.mjs`, with no build step.
// Env: what every service reads (NATS_URL, ACK_WAIT_MS, STREAM_REPLICAS, …), WORKER_CONCURRENCY, FAULT_RUN_LOG.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const runtimeEntry = new URL('../../packages/runtime/dist/index.js', import.meta.url);
const fromRuntime = createRequire(runtimeEntry);
const { envInt, implementTask, parseEnvOrExit, runWorker, systemHandlers } = await import(runtimeEntry.href);
const { defineTask, SleepInput, SleepOutput } = await import(pathToFileURL(fromRuntime.resolve('@reelay/contracts')).href);
const { z } = await import(pathToFileURL(fromRuntime.resolve('zod')).href);

const Env = z.object({
  WORKER_CONCURRENCY: envInt(20, 1),
  FAULT_RUN_LOG: z.string().min(1).describe('File this worker appends one JSON line to per handler start and end.'),
});
const config = parseEnvOrExit(Env, process.env, 'recording-worker');

const faultsSleep = defineTask({
  type: 'faults.sleep',
  description: 'system.sleep on the fault suite’s own queue, each run logged',
  queue: 'faults',
  input: SleepInput,
  output: SleepOutput,
  hardTimeoutMs: 120_000,
});

const record = (event, ctx) =>
  appendFileSync(
    config.FAULT_RUN_LOG,
    `${JSON.stringify({ event, job: ctx.jobId, attempt: ctx.attempt, pid: process.pid, at: Date.now() })}\n`,
  );

const sleep = systemHandlers['system.sleep'];
const task = implementTask(faultsSleep, async (input, ctx) => {
  record('start', ctx);
  const result = await sleep(input, ctx);
  record('end', ctx);
  return result;
});

const { runtime } = await runWorker({ service: 'recording-worker', concurrency: config.WORKER_CONCURRENCY, tasks: [task] });
runtime.logger.info('recording worker ready');
