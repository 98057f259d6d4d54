import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chain, chord, EVENTS_STREAM, group, type JobRecord, type WorkflowSpec, type WorkflowView } from '@reelay/contracts';
import { WorkflowClient } from '@reelay/runtime';
import { type ServiceProcess, startTestSystem, type TestSystem, waitUntil, withEnqueue } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Workflows end to end: the real gateway and the real scheduler (which runs the
 * workflow engine and serves system.*) as processes, against a real nats-server.
 */
const SCHEDULER = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const GATEWAY = fileURLToPath(new URL('../../gateway/dist/main.js', import.meta.url));
const KEY = 'workflow-test-key-0123456789';
/** Steps left due by a writer that stopped are queued by the engine after this long. */
const SCHEDULER_ENV = { WORKFLOW_DUE_GRACE_MS: '500' };

let system: TestSystem;
let scheduler: ServiceProcess;
let url: string;

async function call(pathname: string, json?: unknown): Promise<Response> {
  const headers = new Headers({ authorization: `Bearer ${KEY}` });
  if (json !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${url}${pathname}`, {
    method: json === undefined && !pathname.endsWith('/cancel') && !pathname.endsWith('/retry') ? 'GET' : 'POST',
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
}

async function submit(spec: WorkflowSpec): Promise<string> {
  const res = await call('/v1/workflows', spec);
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function view(id: string): Promise<WorkflowView> {
  const res = await call(`/v1/workflows/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as WorkflowView;
}

async function job(id: string): Promise<JobRecord> {
  const res = await call(`/v1/jobs/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as JobRecord;
}

function waitForWorkflow(id: string, statuses: WorkflowView['status'][], timeoutMs = 60_000): Promise<WorkflowView> {
  return waitUntil(
    async () => {
      const v = await view(id);
      return statuses.includes(v.status) && !v.steps.some((s) => ['queued', 'running', 'retrying'].includes(s.status)) ? v : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `workflow ${id} to be ${statuses.join('|')}` },
  );
}

function step(v: WorkflowView, id: string) {
  const found = v.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id} in workflow ${v.id}`);
  return found;
}

/** Every job event of one workflow kept in the EVENTS stream, oldest first. */
async function workflowEvents(workflowId: string): Promise<JobRecord[]> {
  const consumer = await system.ctx.js.consumers.get(EVENTS_STREAM, { filter_subjects: 'events.jobs.>' });
  const out: JobRecord[] = [];
  for (;;) {
    const batch = await consumer.fetch({ max_messages: 1000, expires: 1000 });
    let pending = 0;
    let seen = 0;
    for await (const m of batch) {
      seen++;
      pending = m.info.pending;
      const event = m.json<{ job: JobRecord }>();
      if (event.job.workflowId === workflowId) out.push(event.job);
    }
    if (seen === 0 || pending === 0) return out;
  }
}

async function workflowCount(): Promise<number> {
  let count = 0;
  for await (const _ of await system.buckets.workflows.keys()) count++;
  return count;
}

beforeAll(async () => {
  system = await startTestSystem({ ackWaitMs: 2_000 });
  const keysFile = path.join(system.dir, 'api-keys.json');
  await writeFile(keysFile, JSON.stringify([{ key: KEY, scopes: ['jobs:write', 'jobs:read', 'admin'], projects: ['*'] }]));
  scheduler = await system.startService(SCHEDULER, SCHEDULER_ENV, /scheduler ready/);
  const gateway = await system.startService(GATEWAY, { PORT: '0', REELAY_API_KEYS_FILE: keysFile }, /gateway ready on/);
  url = gateway.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '';
});

afterAll(async () => {
  await system?.close();
});

describe('workflows', () => {
  it('a chain passes each step output to the next step by $ref', async () => {
    const id = await submit({
      name: 'chain',
      steps: [
        { id: 'first', type: 'system.sleep', input: { ms: 30, steps: 1 } },
        { id: 'second', type: 'system.sleep', input: { ms: { $ref: 'first.result.sleptMs' }, steps: 1 }, dependsOn: ['first'] },
        {
          id: 'third',
          type: 'system.noop',
          input: { slept: { $ref: 'second.result' }, firstJob: { $ref: 'first.jobId' } },
          dependsOn: ['second'],
        },
      ],
    });
    const done = await waitForWorkflow(id, ['succeeded']);
    expect(done.progress).toBe(100);
    const first = await job(step(done, 'first').jobId as string);
    const second = await job(step(done, 'second').jobId as string);
    const third = await job(step(done, 'third').jobId as string);
    expect((second.input as { ms: number }).ms).toBe((first.result as { sleptMs: number }).sleptMs);
    expect(third.input).toMatchObject({ slept: second.result, firstJob: first.id });
    expect(third.workflowId).toBe(id);
    expect(third.stepId).toBe('third');
  });

  it('a group runs its members side by side and succeeds when all of them do', async () => {
    const flow = group(
      { id: 'a', type: 'system.sleep', input: { ms: 300, steps: 3 } },
      { id: 'b', type: 'system.sleep', input: { ms: 300, steps: 3 } },
      { id: 'c', type: 'system.noop' },
    );
    const id = await submit(flow);
    const done = await waitForWorkflow(id, ['succeeded']);
    expect(done.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const jobs = await Promise.all(done.steps.map((s) => job(s.jobId as string)));
    // Side by side: the second member started before the first one finished.
    expect(Date.parse(jobs[1]?.startedAt ?? '')).toBeLessThan(Date.parse(jobs[0]?.finishedAt ?? ''));
  });

  it('a chord whose member fails runs the error step and not the callback', async () => {
    const flow = chord(
      group(
        { id: 'ok', type: 'system.sleep', input: { ms: 20, steps: 1 } },
        { id: 'broken', type: 'system.sleep', input: { ms: 20, steps: 1, failAttempts: 1 }, maxAttempts: 1 },
      ),
      { id: 'callback', type: 'system.noop', input: { results: [{ $ref: 'ok.result' }, { $ref: 'broken.result' }] } },
    );
    const id = await submit({ ...flow, onError: { type: 'system.noop', input: { alert: 'ops' } } });
    const done = await waitForWorkflow(id, ['failed']);
    expect(done.failedStep).toBe('broken');
    expect(step(done, 'broken').status).toBe('failed');
    expect(step(done, 'callback')).toMatchObject({ status: 'skipped', skippedBecause: 'broken' });
    expect(step(done, 'callback').jobId).toBeUndefined();
    const onError = await waitUntil(async () => ((await view(id)).onError?.status === 'succeeded' ? (await view(id)).onError : undefined), {
      what: 'the error step to succeed',
    });
    const errorJob = await job(onError.jobId as string);
    expect(errorJob.input).toMatchObject({
      alert: 'ops',
      workflowId: id,
      failedStep: 'broken',
      error: { code: 'TRANSIENT', retryable: true },
    });
  });

  it('a retry re-runs the failed step and its dependents and reuses what succeeded', async () => {
    const id = await submit(
      chain(
        { id: 'prepare', type: 'system.sleep', input: { ms: 20, steps: 1 } },
        { id: 'slow', type: 'system.sleep', input: { ms: 3_000, steps: 30 } },
        { id: 'finish', type: 'system.noop', input: { prepared: { $ref: 'prepare.result' } } },
      ),
    );
    const running = await waitUntil(async () => {
      const v = await view(id);
      return step(v, 'slow').status === 'running' ? v : undefined;
    });
    // Cancelling the step's job from outside fails the workflow at that step.
    expect((await call(`/v1/jobs/${step(running, 'slow').jobId}/cancel`, {})).status).toBe(202);
    const failed = await waitForWorkflow(id, ['failed']);
    expect(failed.failedStep).toBe('slow');
    expect(step(failed, 'finish').status).toBe('skipped');

    const retried = await call(`/v1/workflows/${id}/retry`, {});
    expect(retried.status).toBe(202);
    const done = await waitForWorkflow(id, ['succeeded']);
    expect(done.run).toBe(2);
    expect(step(done, 'prepare').jobId).toBe(step(failed, 'prepare').jobId);
    expect(step(done, 'slow').jobId).not.toBe(step(failed, 'slow').jobId);
    const finish = await job(step(done, 'finish').jobId as string);
    expect(finish.input).toMatchObject({ prepared: step(failed, 'prepare').result });
  });

  it('cancelling a workflow cancels its running step and starts nothing after it', async () => {
    const id = await submit(
      chain({ id: 'long', type: 'system.sleep', input: { ms: 20_000, steps: 200 } }, { id: 'after', type: 'system.noop' }),
    );
    const running = await waitUntil(async () => {
      const v = await view(id);
      return step(v, 'long').status === 'running' ? v : undefined;
    });
    expect((await call(`/v1/workflows/${id}/cancel`, {})).status).toBe(202);
    const done = await waitForWorkflow(id, ['cancelled']);
    expect(step(done, 'long').status).toBe('cancelled');
    expect(step(done, 'after')).toMatchObject({ status: 'skipped', skippedBecause: 'cancelled' });
    expect((await job(step(running, 'long').jobId as string)).status).toBe('cancelled');
  });

  it('a workflow survives its scheduler being killed mid-run and no step runs twice to completion', async () => {
    const id = await submit(
      chain(
        { id: 's1', type: 'system.sleep', input: { ms: 400, steps: 4 } },
        { id: 's2', type: 'system.sleep', input: { ms: 1_500, steps: 15 } },
        { id: 's3', type: 'system.sleep', input: { ms: 400, steps: 4 } },
        { id: 's4', type: 'system.noop' },
      ),
    );
    await waitUntil(async () => step(await view(id), 's2').status === 'running', { what: 's2 to run' });
    await scheduler.kill('SIGKILL');
    scheduler = await system.startService(SCHEDULER, SCHEDULER_ENV, /scheduler ready/);
    const done = await waitForWorkflow(id, ['succeeded'], 90_000);
    expect(done.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);

    const events = await workflowEvents(id);
    for (const stepId of ['s1', 's2', 's3', 's4']) {
      const jobIds = new Set(events.filter((e) => e.stepId === stepId).map((e) => e.id));
      const completions = events.filter((e) => e.stepId === stepId && e.status === 'succeeded');
      expect(jobIds.size, `jobs of step ${stepId}`).toBe(1);
      expect(completions, `completions of step ${stepId}`).toHaveLength(1);
    }
  });

  it('a workflow whose submitter stopped before queueing any step has its steps queued by the engine', async () => {
    // The record is written, then queueing fails (NATS gone from under the gateway, or the
    // gateway killed): no event will ever come back for this workflow.
    const before = new Set<string>();
    for await (const k of await system.buckets.workflows.keys()) before.add(k);
    const failing = withEnqueue(system.client, () => Promise.reject(new Error('no responders')));
    const spec: WorkflowSpec = {
      name: 'left-due',
      steps: [
        { id: 'first', type: 'system.noop', input: {} },
        { id: 'second', type: 'system.noop', input: {}, dependsOn: ['first'] },
      ],
    };
    await expect(new WorkflowClient(failing, system.buckets.workflows).submit(spec)).rejects.toThrow('no responders');
    let id: string | undefined;
    for await (const k of await system.buckets.workflows.keys()) if (!before.has(k)) id = k;
    expect(id).toBeDefined();
    expect((await view(id as string)).steps.every((s) => s.status === 'waiting')).toBe(true);
    const done = await waitForWorkflow(id as string, ['succeeded'], 15_000);
    expect(step(done, 'second').status).toBe('succeeded');
    expect(scheduler.output()).toMatch(/left with steps due/);
  });

  it('an invalid workflow is refused with 400 and queues nothing', async () => {
    const keysBefore = await workflowCount();
    const cases: [WorkflowSpec, RegExp][] = [
      [
        {
          steps: [
            { id: 'a', type: 'system.noop', dependsOn: ['b'] },
            { id: 'b', type: 'system.noop', dependsOn: ['a'] },
          ],
        },
        /cycle/,
      ],
      [
        {
          steps: [
            { id: 'a', type: 'system.noop' },
            { id: 'b', type: 'system.noop', input: { x: { $ref: 'ghost.result' } }, dependsOn: ['a'] },
          ],
        },
        /unknown step "ghost"/,
      ],
      [
        {
          steps: [
            { id: 'a', type: 'system.noop' },
            { id: 'b', type: 'system.noop', input: { x: { $ref: 'a.result' } } },
          ],
        },
        /does not depend on "a"/,
      ],
      [{ steps: [{ id: 'a', type: 'no.such.task' }] }, /unknown task type/],
      [{ steps: [{ id: 'a', type: 'system.sleep', input: { ms: -1 } }] }, /steps\.0\.input/],
    ];
    for (const [spec, message] of cases) {
      const res = await call('/v1/workflows', spec);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('INVALID_INPUT');
      expect(body.error.message).toMatch(message);
    }
    expect(await workflowCount()).toBe(keysBefore);
  });

  it('every step job of a workflow is in the workflow trace', async () => {
    const id = await submit(
      chord(group({ id: 'left', type: 'system.noop' }, { id: 'right', type: 'system.sleep', input: { ms: 50, steps: 1 } }), {
        id: 'join',
        type: 'system.noop',
      }),
    );
    const done = await waitForWorkflow(id, ['succeeded']);
    expect(done.traceId).toMatch(/^[0-9a-f]{32}$/);
    const jobs = await Promise.all(done.steps.map((s) => job(s.jobId as string)));
    expect(jobs.map((j) => j.traceId)).toEqual([done.traceId, done.traceId, done.traceId]);
  });
});
