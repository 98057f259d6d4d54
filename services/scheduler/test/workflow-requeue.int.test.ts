import { chain, type WorkflowView } from '@reelay/contracts';
import { WorkflowClient } from '@reelay/runtime';
import { type TestSystem, startTestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler } from './scheduler-fixture.js';

/**
 * A workflow whose failed step is brought back from the DLQ: the real scheduler (the
 * workflow engine, and the worker of system.*) as a process, against a real nats-server.
 */
let system: TestSystem;
let workflows: WorkflowClient;

beforeAll(async () => {
  system = await startTestSystem({ ackWaitMs: 2_000 });
  workflows = new WorkflowClient(system.client, system.buckets.workflows);
  await startScheduler(system);
});

afterAll(async () => {
  await system?.close();
});

function waitForView(id: string, what: string, done: (v: WorkflowView) => boolean, timeoutMs = 60_000): Promise<WorkflowView> {
  return waitUntil(
    async () => {
      const v = await workflows.view(id);
      return v && done(v) ? v : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `workflow ${id}: ${what}` },
  );
}

function step(v: WorkflowView, id: string) {
  const found = v.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id} in workflow ${v.id}`);
  return found;
}

describe('a workflow step requeued from the DLQ', () => {
  it('resumes its failed workflow: the step shows its live status, then the rest of the chain runs and the workflow succeeds', async () => {
    const record = await workflows.submit({
      ...chain(
        // Fails its only attempt: the job is dead-lettered and the workflow fails here.
        { id: 'first', type: 'system.sleep', input: { ms: 20, steps: 1, failAttempts: 1 }, maxAttempts: 1 },
        { id: 'second', type: 'system.sleep', input: { ms: { $ref: 'first.result.sleptMs' }, steps: 1 }, dependsOn: ['first'] },
      ),
      onError: { type: 'system.noop', input: { alert: 'ops' } },
    });
    const failed = await waitForView(record.id, 'failed at first', (v) => v.status === 'failed' && v.onError?.status === 'succeeded');
    expect(failed.failedStep).toBe('first');
    expect(step(failed, 'second')).toMatchObject({ status: 'skipped', skippedBecause: 'first' });
    const jobId = step(failed, 'first').jobId as string;
    await waitUntil(() => system.client.getDeadLetter(jobId), { what: `dead letter ${jobId}` });

    // The same job, input mended so that it succeeds, and slow enough to be seen running.
    await system.client.requeueDeadLetter(jobId, { input: { ms: 3_000, steps: 30, failAttempts: 0 } });
    const live = await waitForView(record.id, 'first running again', (v) => step(v, 'first').status === 'running');
    expect(live.status).toBe('running');
    expect(step(live, 'first').jobId).toBe(jobId);
    expect(step(live, 'first').error).toBeUndefined();

    const done = await waitForView(record.id, 'succeeded', (v) => v.status === 'succeeded');
    expect(done.failedStep).toBeUndefined();
    expect(done.progress).toBe(100);
    expect(done.run).toBe(1);
    expect(step(done, 'first')).toMatchObject({ status: 'succeeded', jobId });
    const second = step(done, 'second');
    expect(second.status).toBe('succeeded');
    const secondJob = await system.client.get(second.jobId as string);
    expect(secondJob?.input).toMatchObject({ ms: (step(done, 'first').result as { sleptMs: number }).sleptMs });
    // The error step ran once, for the failure; the resumed run does not queue it again.
    expect(done.onError?.status).toBe('succeeded');
  });

  it('fails its workflow again when the requeued job fails again, without a second error step', async () => {
    const record = await workflows.submit({
      ...chain(
        { id: 'first', type: 'system.sleep', input: { ms: 20, steps: 1, failAttempts: 1 }, maxAttempts: 1 },
        { id: 'second', type: 'system.noop', dependsOn: ['first'] },
      ),
      onError: { type: 'system.noop', input: { alert: 'ops' } },
    });
    const failed = await waitForView(record.id, 'failed at first', (v) => v.status === 'failed' && v.onError?.status === 'succeeded');
    const jobId = step(failed, 'first').jobId as string;
    const errorJobId = failed.onError?.jobId;
    await waitUntil(() => system.client.getDeadLetter(jobId), { what: `dead letter ${jobId}` });

    const requeuedAt = new Date().toISOString();
    await system.client.requeueDeadLetter(jobId); // same input: fails again
    await waitUntil(
      async () => {
        const job = await system.client.get(jobId);
        return job?.status === 'failed' && (job.finishedAt ?? '') > requeuedAt;
      },
      { what: `requeued job ${jobId} to fail again` },
    );
    // Failed again, not still failed: the workflow finished a second time.
    const again = await waitForView(record.id, 'failed again', (v) => v.status === 'failed' && v.finishedAt !== failed.finishedAt);
    expect(again.failedStep).toBe('first');
    expect(step(again, 'first').status).toBe('failed');
    expect(step(again, 'second')).toMatchObject({ status: 'skipped', skippedBecause: 'first' });
    expect(again.onError?.jobId).toBe(errorJobId);
  });
});
