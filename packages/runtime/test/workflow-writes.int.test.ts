import { ALL_JOB_EVENTS, defineTask, ERROR_STEP_ID, type JobEvent, type JobRecord, type WorkflowRecord } from '@reelay/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnv } from '../src/config/parse-env.js';
import { RuntimeEnv } from '../src/config/runtime-config.js';
import type { JobClient } from '../src/jobs/job-client.js';
import { withEnqueue } from '../src/testing/enqueue-override.js';
import { type ServiceRuntime, startServiceRuntime } from '../src/service.js';
import { type NatsServerHandle, startNatsServer } from '../src/testing/nats-server.js';
import { waitUntil } from '../src/testing/wait-until.js';
import { implementTask, workerTasks } from '../src/worker/task-implementation.js';
import { Worker } from '../src/worker/worker.js';
import { WorkflowClient } from '../src/workflows/workflow-client.js';

/**
 * A workflow's record is written in two steps: a change with its plan, then the jobs of
 * the steps it made due. A step job can finish, and its event be handled by an engine,
 * before the write that queued it has landed: the job is quick, and the queueing writer
 * (the gateway's retry, a second scheduler replica) is slow. The event must still find its
 * step. Here the writer is held until the engine has handled the event, which makes that
 * order certain. And a writer that stops between the two writes leaves its steps due for
 * the next one.
 */
const flaky = defineTask({
  type: 'early.flaky',
  description: 'fails the first `failTimes` runs of its key, then returns',
  queue: 'early',
  input: z.object({ key: z.string(), failTimes: z.number().int().min(0) }),
  output: z.object({ runs: z.number().int() }),
});

describe('workflow writes around a step job’s event', () => {
  let nats: NatsServerHandle;
  let runtime: ServiceRuntime;
  let worker: Worker;
  let engine: WorkflowClient;
  /** The engine's work, one event after another as the scheduler's engine does it. */
  let handled: Promise<unknown> = Promise.resolve();
  const terminal = new Set<string>();
  /** Steps whose events this engine leaves alone: another engine (the test) handles them. */
  const elsewhere = new Set<string>();
  const runs = new Map<string, number>();

  beforeEach(async () => {
    nats = await startNatsServer();
    const config = parseEnv(RuntimeEnv, { NATS_URL: nats.url, LOG_LEVEL: 'silent', ACK_WAIT_MS: '10000' });
    runtime = await startServiceRuntime('early-events-test', config, ['early']);
    engine = new WorkflowClient(runtime.jobs, runtime.buckets.workflows);
    runtime.ctx.nc.subscribe(ALL_JOB_EVENTS, {
      callback: (_err, m) => {
        const { job, kind } = m.json<JobEvent>();
        if (kind !== 'state' || !job.workflowId || elsewhere.has(job.stepId ?? '')) return;
        handled = handled.then(async () => {
          await engine.onJob(job);
          if (['succeeded', 'failed', 'cancelled'].includes(job.status)) terminal.add(job.id);
        });
      },
    });
    const { handlers, tasks } = workerTasks([
      implementTask(flaky, async (input) => {
        const n = (runs.get(input.key) ?? 0) + 1;
        runs.set(input.key, n);
        if (n <= input.failTimes) throw new Error(`run ${n} of ${input.key} fails`);
        return { runs: n };
      }),
    ]);
    worker = new Worker(runtime.workerDeps, {
      service: 'early-events-test',
      queues: ['early'],
      concurrency: 4,
      handlers,
      tasks,
      ackWaitMs: 10_000,
      shutdownGraceMs: 1_000,
    });
    await worker.start();
  });
  afterEach(async () => {
    await worker.stop(1_000);
    await handled;
    await runtime.close();
    await nats.stop();
    terminal.clear();
    elsewhere.clear();
    runs.clear();
  });

  /** A job client whose enqueue of `stepId` returns only once the engine has handled that job's outcome. */
  const slowWriter = (stepId: string): JobClient =>
    withEnqueue(runtime.jobs, async (request, enqueue) => {
      const queued = await enqueue(request);
      if (request.stepId === stepId) {
        await waitUntil(async () => (terminal.has(queued.job.id) ? true : undefined), { what: `step ${stepId} handled` });
        await handled;
      }
      return queued;
    });

  /** A job client whose enqueues fail while `down` is set (NATS unavailable, the process stopping). */
  const failingWriter = (down: { now: boolean }): JobClient =>
    withEnqueue(runtime.jobs, (request, enqueue) => (down.now ? Promise.reject(new Error('no responders')) : enqueue(request)));

  /** A step's job, once it has reached `status`. */
  const stepJob = (id: string, stepId: string, status: JobRecord['status']) =>
    waitUntil(async () => {
      const jobId = (await engine.get(id))?.steps[stepId]?.jobId;
      const job = jobId ? await runtime.jobs.get(jobId) : undefined;
      return job?.status === status ? job : undefined;
    });

  const finished = (id: string) =>
    waitUntil(
      async () => {
        const r = await engine.get(id);
        const inFlight = r?.errorStep && ['waiting', 'queued'].includes(r.errorStep.status);
        return r && r.status !== 'running' && !inFlight ? r : undefined;
      },
      { timeoutMs: 10_000, what: `workflow ${id} to finish` },
    );

  it('a retried workflow runs on when the retried step finishes before the retry’s write lands', async () => {
    const spec = {
      name: 'early-retry',
      steps: [
        { id: 'check', type: 'early.flaky', input: { key: 'retry', failTimes: 1 }, maxAttempts: 1 },
        { id: 'after', type: 'early.flaky', input: { key: 'after', failTimes: 0 }, dependsOn: ['check'] },
      ],
    };
    const { id } = await engine.submit(spec);
    const failed = await finished(id);
    expect(failed.status).toBe('failed');
    expect(failed.steps.after?.status).toBe('skipped');

    const retried = await new WorkflowClient(slowWriter('check'), runtime.buckets.workflows).retry(id);
    expect(retried.run).toBe(2);
    const done = await finished(id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.check).toMatchObject({ status: 'succeeded', run: 2 });
    expect(done.steps.after?.status).toBe('succeeded');
    expect(runs.get('retry')).toBe(2);
  });

  it('an error step that finishes before the write that queued it is recorded, and the workflow stays failed', async () => {
    const spec = {
      name: 'early-error-step',
      steps: [{ id: 'doomed', type: 'early.flaky', input: { key: 'doomed', failTimes: 9 }, maxAttempts: 1 }],
      onError: { type: 'early.flaky', input: { key: 'cleanup', failTimes: 0 } },
    };
    // A second engine (this test) handles the failure, and is slow to write; the first
    // engine handles the error step's event meanwhile.
    elsewhere.add('doomed');
    const { id } = await engine.submit(spec);
    const doomed = await stepJob(id, 'doomed', 'failed');
    await new WorkflowClient(slowWriter(ERROR_STEP_ID), runtime.buckets.workflows).onJob(doomed);
    const failed: WorkflowRecord = await finished(id);
    expect(failed.status).toBe('failed');
    expect(failed.failedStep).toBe('doomed');
    expect(failed.errorStep?.status).toBe('succeeded');
    expect(runs.get('cleanup')).toBe(1);
    const cleanup = (await runtime.jobs.get(failed.errorStep?.jobId as string)) as JobRecord;
    expect(cleanup.status).toBe('succeeded');
  });

  it('an event handled again after its steps failed to queue queues them: the outcome it recorded is not the end of it', async () => {
    const spec = {
      name: 'early-requeue',
      steps: [
        { id: 'first', type: 'early.flaky', input: { key: 'first', failTimes: 0 } },
        { id: 'second', type: 'early.flaky', input: { key: 'second', failTimes: 0 }, dependsOn: ['first'] },
      ],
    };
    elsewhere.add('first');
    const { id } = await engine.submit(spec);
    const first = await stepJob(id, 'first', 'succeeded');
    // The outcome is written, then queueing the next step fails: the event is not acked.
    const down = { now: true };
    await expect(new WorkflowClient(failingWriter(down), runtime.buckets.workflows).onJob(first)).rejects.toThrow('no responders');
    expect((await engine.get(id))?.steps.first?.status).toBe('succeeded');
    expect((await engine.get(id))?.steps.second?.status).toBe('waiting');
    // Redelivered, it finds its outcome recorded, and queues what that outcome made ready.
    down.now = false;
    await new WorkflowClient(failingWriter(down), runtime.buckets.workflows).onJob(first);
    const done = await finished(id);
    expect(done.status).toBe('succeeded');
    expect(runs.get('second')).toBe(1);
  });

  it('a record that names a due error step its spec does not have is left as it is, not spun on', async () => {
    const { id } = await engine.submit({ name: 'odd', steps: [{ id: 'only', type: 'early.flaky', input: { key: 'odd', failTimes: 0 } }] });
    await finished(id);
    const kv = runtime.buckets.workflows;
    const entry = await kv.get(id);
    const record = entry?.json<WorkflowRecord>() as WorkflowRecord;
    // As no writer of ours leaves it: failed, with an error step waiting and no onError.
    const odd = {
      ...record,
      status: 'failed' as const,
      failedStep: 'only',
      errorStep: { status: 'waiting' as const, run: record.run, attempts: 0 },
    };
    await kv.put(id, JSON.stringify(odd));
    const after = await engine.reconcile(id);
    expect(after?.errorStep?.status).toBe('waiting');
    expect(after?.status).toBe('failed');
  });
});
