import { bandConsumer, defineTask, type JobRecord, jobsStream } from '@reelay/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnv } from '../src/config/parse-env.js';
import { RuntimeEnv } from '../src/config/runtime-config.js';
import { type ServiceRuntime, startServiceRuntime } from '../src/service.js';
import { type NatsServerHandle, startNatsServer } from '../src/testing/nats-server.js';
import { waitUntil } from '../src/testing/wait-until.js';
import { implementTask, workerTasks } from '../src/worker/task-implementation.js';
import { Worker } from '../src/worker/worker.js';
import type { RecordStore } from '../src/worker/worker-jobs.js';

/**
 * A job whose handler has returned no longer takes a run slot while its settling record
 * waits for the stream's answer: the next job starts meanwhile. Finished jobs awaiting
 * their answer are bounded by the concurrency too, so a worker holds at most twice its
 * concurrency in unacknowledged messages, and never runs more than its concurrency.
 */
const step = defineTask({
  type: 'slots.step',
  description: 'records that it ran',
  queue: 'slots',
  input: z.object({ n: z.number().int() }),
  output: z.object({ n: z.number().int() }),
});

describe('run slots and settling writes', () => {
  let nats: NatsServerHandle;
  let runtime: ServiceRuntime;
  let worker: Worker | undefined;
  beforeEach(async () => {
    nats = await startNatsServer();
    const config = parseEnv(RuntimeEnv, { NATS_URL: nats.url, LOG_LEVEL: 'silent', ACK_WAIT_MS: '10000' });
    runtime = await startServiceRuntime('slots-test', config, ['slots']);
  });
  afterEach(async () => {
    await worker?.stop(1_000);
    worker = undefined;
    await runtime.close();
    await nats.stop();
  });

  /** The runtime's record store, with every `succeeded` write held until `release()`. */
  function heldFinalWrites() {
    const real = runtime.workerDeps.jobs.store;
    const waiting: (() => void)[] = [];
    let held = true;
    const store: RecordStore = {
      get: (id) => real.get(id),
      writeProvisional: (record) => real.writeProvisional(record),
      async write(record: JobRecord, options) {
        if (held && record.status === 'succeeded') await new Promise<void>((r) => waiting.push(r));
        return real.write(record, options);
      },
    };
    return {
      store,
      held: () => waiting.length,
      release() {
        held = false;
        for (const r of waiting.splice(0)) r();
      },
    };
  }

  it('at concurrency 1 the next job runs while the finished one waits for its final record, and no more than one waits', async () => {
    const ran: number[] = [];
    const { handlers, tasks } = workerTasks([
      implementTask(step, async (input) => {
        ran.push(input.n);
        return { n: input.n };
      }),
    ]);
    const writes = heldFinalWrites();
    const jobs = runtime.workerDeps.jobs;
    worker = new Worker(
      {
        ...runtime.workerDeps,
        jobs: { store: writes.store, writeDeadLetter: (d) => jobs.writeDeadLetter(d), openInput: (e) => jobs.openInput(e) },
      },
      { service: 'slots-test', queues: ['slots'], concurrency: 1, handlers, tasks, ackWaitMs: 10_000, shutdownGraceMs: 1_000 },
    );
    await worker.start();
    const submitted = await runtime.jobs.enqueueMany([1, 2, 3].map((n) => ({ type: 'slots.step', input: { n } })));

    // Job 1's final write is held; job 2 still ran (before, it waited for job 1's answer).
    await waitUntil(() => (writes.held() === 2 ? true : undefined), { what: 'two final writes held', timeoutMs: 10_000 });
    expect(ran).toEqual([1, 2]);
    // Two finished jobs wait: the third is not taken, so nothing is held without a slot.
    await new Promise((r) => setTimeout(r, 300));
    expect(ran).toEqual([1, 2]);
    const pending = (await runtime.ctx.jsm.consumers.info(jobsStream('slots'), bandConsumer('slots', 'normal'))).num_ack_pending;
    expect(pending).toBe(2);

    writes.release();
    const done = await Promise.all(
      submitted.map((j) =>
        waitUntil(async () => {
          const r = await runtime.jobs.get(j.id);
          return r?.status === 'succeeded' ? r : undefined;
        }),
      ),
    );
    expect(ran).toEqual([1, 2, 3]);
    expect(done.map((r) => r.result)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(done.every((r) => r.attempts === 1 && r.errors.length === 0)).toBe(true);
  });
});
