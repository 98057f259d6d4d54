import { defineTask, WorkerHeartbeat } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectNats, type NatsContext } from '../src/nats/connection.js';
import { type Buckets, ensureTopology } from '../src/nats/topology.js';
import { JobClient } from '../src/jobs/job-client.js';
import { TaskRegistry } from '../src/tasks/task-registry.js';
import { startNatsServer, type NatsServerHandle } from '../src/testing/nats-server.js';
import { waitUntil } from '../src/testing/wait-until.js';
import { implementTask } from '../src/worker/task-implementation.js';
import { type RunningWorker, runWorker } from '../src/worker/run-worker.js';

/** A task Reelay does not ship: defined, run and called the way a user would. */
const resize = defineTask({
  type: 'acme.resize',
  description: 'scales a size by a factor',
  queue: 'acme',
  input: z.object({ width: z.number().int().positive(), height: z.number().int().positive(), factor: z.number().positive().default(2) }),
  output: z.object({ width: z.number(), height: z.number() }),
  retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 100, jitter: 0 },
});

describe('custom tasks through the registry', () => {
  let nats: NatsServerHandle;
  let ctx: NatsContext;
  let buckets: Buckets;
  let running: RunningWorker;
  /** Like the gateway: a client with no code for acme.* — only the registry. */
  let client: JobClient;

  beforeAll(async () => {
    nats = await startNatsServer();
    ctx = await connectNats({ url: nats.url, name: 'registry-test' });
    buckets = await ensureTopology(ctx, { queues: ['system'], ackWaitMs: 5_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
    client = new JobClient(ctx, { buckets });
    running = await runWorker({
      service: 'acme-worker',
      concurrency: 2,
      handleSignals: false,
      env: { NATS_URL: nats.url, LOG_LEVEL: 'silent', ACK_WAIT_MS: '5000' },
      tasks: [implementTask(resize, async (input) => ({ width: input.width * input.factor, height: input.height * input.factor }))],
    });
  });
  afterAll(async () => {
    await running?.stop();
    await ctx.nc.close();
    await nats.stop();
  });

  it('a started worker registers its task with the JSON Schema of its input and output, and its heartbeat names it', async () => {
    const entry = await new TaskRegistry(buckets.tasks).get('acme.resize');
    expect(entry).toMatchObject({ type: 'acme.resize', version: 1, queue: 'acme', builtIn: false, retry: { maxAttempts: 2 } });
    expect(entry?.inputSchema).toMatchObject({ type: 'object', required: ['width', 'height'] });
    expect(entry?.outputSchema).toMatchObject({ type: 'object' });
    expect(entry?.registeredBy).toContain('acme-worker/');
    const beat = await waitUntil(async () => {
      const e = await buckets.workers.get(running.worker.id);
      return e ? WorkerHeartbeat.parse(e.json()) : undefined;
    });
    expect(beat.tasks).toEqual(['acme.resize']);
    // Its queue was provisioned on first registration.
    expect((await ctx.jsm.streams.info('JOBS_ACME')).config.subjects).toEqual(['jobs.acme.>']);
  });

  it('a client with no code for the task submits it, validated against the registered schema with defaults filled in', async () => {
    const { job } = await client.enqueue({ type: 'acme.resize', input: { width: 3, height: 4 } });
    expect(job.queue).toBe('acme');
    expect(job.maxAttempts).toBe(2);
    expect(job.input).toEqual({ width: 3, height: 4, factor: 2 });
    const done = await waitUntil(async () => {
      const j = await client.get(job.id);
      return j?.status === 'succeeded' ? j : undefined;
    });
    expect(done.result).toEqual({ width: 6, height: 8 });
  });

  it('input that breaks the registered schema is refused with every failing path, and nothing is queued', async () => {
    // The stream's last sequence, not its message count: the job before may still be
    // acked (and so removed from the work queue) meanwhile.
    const before = (await ctx.jsm.streams.info('JOBS_ACME')).state.last_seq;
    const err = await client.enqueue({ type: 'acme.resize', input: { width: -1, factor: 'x' } }).catch((e) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    const paths = (err.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['factor', 'height', 'width']);
    expect((await ctx.jsm.streams.info('JOBS_ACME')).state.last_seq).toBe(before);
  });

  it('a type nobody registered is UNKNOWN_TASK', async () => {
    await expect(client.enqueue({ type: 'acme.nothing', input: {} })).rejects.toMatchObject({ code: 'UNKNOWN_TASK' });
    await expect(client.enqueue({ type: 'not a type', input: {} })).rejects.toMatchObject({ code: 'UNKNOWN_TASK' });
  });

  it('a second worker declaring the same type and version with another schema does not start', async () => {
    const clash = defineTask({ ...resize, input: z.object({ side: z.number() }) });
    const err = await runWorker({
      service: 'clashing-worker',
      handleSignals: false,
      env: { NATS_URL: nats.url, LOG_LEVEL: 'silent' },
      tasks: [implementTask(clash, async () => ({ width: 1, height: 1 }))],
    }).catch((e) => e);
    expect(err).toMatchObject({ code: 'TASK_CONFLICT' });
    expect(String(err.message)).toContain('raise its version');
    // The registered contract is untouched.
    expect((await new TaskRegistry(buckets.tasks).get('acme.resize'))?.inputSchema).toMatchObject({ required: ['width', 'height'] });
  });

  it('a higher version replaces the registered contract; a lower one is then refused', async () => {
    const v2 = defineTask({ ...resize, version: 2, input: resize.input.extend({ label: z.string().optional() }) });
    const upgraded = await runWorker({
      service: 'acme-worker-v2',
      handleSignals: false,
      env: { NATS_URL: nats.url, LOG_LEVEL: 'silent' },
      tasks: [implementTask(v2, async (input) => ({ width: input.width, height: input.height }))],
    });
    try {
      const registry = new TaskRegistry(buckets.tasks, 0);
      expect((await registry.get('acme.resize'))?.version).toBe(2);
      const stale = await runWorker({
        service: 'acme-worker-v1',
        handleSignals: false,
        env: { NATS_URL: nats.url, LOG_LEVEL: 'silent' },
        tasks: [implementTask(resize, async () => ({ width: 1, height: 1 }))],
      }).catch((e) => e);
      expect(stale).toMatchObject({ code: 'TASK_CONFLICT' });
    } finally {
      await upgraded.stop();
    }
  });
});
