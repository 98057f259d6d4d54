import { ALL_JOB_EVENTS, defineTask, type JobEvent } from '@reelay/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnv } from '../src/config/parse-env.js';
import { RuntimeEnv } from '../src/config/runtime-config.js';
import { type ServiceRuntime, startServiceRuntime } from '../src/service.js';
import { type NatsServerHandle, startNatsServer } from '../src/testing/nats-server.js';
import { waitUntil } from '../src/testing/wait-until.js';
import { implementTask, workerTasks } from '../src/worker/task-implementation.js';
import { Worker } from '../src/worker/worker.js';

/**
 * An attempt's `running` record leaves at the end of the turn its handler started in.
 * A handler that has returned by then has it withdrawn: its final record, which holds the
 * attempt's start, is the only one written. A handler still running then is recorded
 * running, and readable so by id, while it runs.
 */
const step = defineTask({
  type: 'running.step',
  description: 'returns at once, or after waiting `ms`',
  queue: 'running',
  input: z.object({ ms: z.number().int().min(0), busyMs: z.number().int().min(0).default(0) }),
  output: z.object({ ms: z.number().int() }),
});

describe('the running record', () => {
  let nats: NatsServerHandle;
  let runtime: ServiceRuntime;
  let worker: Worker;
  /** Every status each job's events showed, in the order the stream was sent them. */
  const seen = new Map<string, string[]>();
  /** Each job's events' updatedAt, in the same order. */
  const stamps = new Map<string, string[]>();
  let release: () => void = () => {};

  beforeEach(async () => {
    nats = await startNatsServer();
    const config = parseEnv(RuntimeEnv, { NATS_URL: nats.url, LOG_LEVEL: 'silent', ACK_WAIT_MS: '10000' });
    runtime = await startServiceRuntime('running-test', config, ['running']);
    runtime.ctx.nc.subscribe(ALL_JOB_EVENTS, {
      callback: (_err, m) => {
        const { job } = m.json<JobEvent>();
        seen.set(job.id, [...(seen.get(job.id) ?? []), job.status]);
        stamps.set(job.id, [...(stamps.get(job.id) ?? []), job.updatedAt]);
      },
    });
    const { handlers, tasks } = workerTasks([
      implementTask(step, async (input, ctx) => {
        if (input.busyMs > 0) {
          // Progress in the first turn, then that turn kept busy: the running record
          // leaves only at its end, after the progress was stamped.
          ctx.progress(20, 'warming up');
          const until = Date.now() + input.busyMs;
          while (Date.now() < until);
        }
        if (input.ms > 0) await new Promise<void>((r) => (release = r));
        return { ms: input.ms };
      }),
    ]);
    worker = new Worker(runtime.workerDeps, {
      service: 'running-test',
      queues: ['running'],
      concurrency: 2,
      handlers,
      tasks,
      ackWaitMs: 10_000,
      shutdownGraceMs: 1_000,
    });
    await worker.start();
  });
  afterEach(async () => {
    release();
    await worker.stop(1_000);
    await runtime.close();
    await nats.stop();
    seen.clear();
    stamps.clear();
  });

  const succeeded = (id: string) =>
    waitUntil(async () => {
      const r = await runtime.jobs.get(id);
      return r?.status === 'succeeded' ? r : undefined;
    });

  it('a handler that returns within its first turn leaves one record, the final one, with the attempt’s start in it', async () => {
    const { job } = await runtime.jobs.enqueue({ type: 'running.step', input: { ms: 0 } });
    const done = await succeeded(job.id);
    await runtime.ctx.nc.flush();
    expect(seen.get(job.id)).toEqual(['queued', 'succeeded']);
    expect(done.attempts).toBe(1);
    expect(done.workerId).toBe(worker.id);
    expect(Date.parse(done.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(done.finishedAt ?? ''));
    expect(done.errors).toEqual([]);
  });

  it('a handler still running after its first turn is recorded running, readable by id, until it returns', async () => {
    const { job } = await runtime.jobs.enqueue({ type: 'running.step', input: { ms: 1 } });
    const running = await waitUntil(async () => {
      const r = await runtime.jobs.get(job.id);
      return r?.status === 'running' ? r : undefined;
    });
    expect(running.attempts).toBe(1);
    expect(running.workerId).toBe(worker.id);
    release();
    const done = await succeeded(job.id);
    await runtime.ctx.nc.flush();
    expect(seen.get(job.id)).toEqual(['queued', 'running', 'succeeded']);
    expect(done.startedAt).toBe(running.startedAt);
  });

  it('a running record sent at the end of a busy first turn is stamped before the progress that turn reported', async () => {
    // Readers keep the record with the newest updatedAt: one stamped when it was sent
    // would hide the progress written after it in the stream.
    const { job } = await runtime.jobs.enqueue({ type: 'running.step', input: { ms: 1, busyMs: 20 } });
    await waitUntil(async () => ((await runtime.jobs.get(job.id))?.progress === 20 ? true : undefined));
    release();
    await succeeded(job.id);
    await runtime.ctx.nc.flush();
    expect(seen.get(job.id)).toEqual(['queued', 'running', 'running', 'succeeded']);
    const times = (stamps.get(job.id) ?? []).map((t) => Date.parse(t));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
