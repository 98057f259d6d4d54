import { defineTask, TaskListResponse, WorkflowView } from '@reelay/contracts';
import { implementTask, type RunningWorker, runWorker } from '@reelay/runtime';
import { waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALPHA_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';

/** A task the gateway has no code for: it learns its contract from the registry. */
const wordCount = defineTask({
  type: 'acme.word-count',
  description: 'counts the words of a text',
  queue: 'acme',
  input: z.object({ text: z.string().min(1), minLength: z.number().int().min(1).default(1) }),
  output: z.object({ words: z.number().int() }),
});

describe('custom tasks through the gateway', () => {
  let gw: GatewayFixture;
  let worker: RunningWorker;
  beforeAll(async () => {
    gw = await startGateway();
    worker = await runWorker({
      service: 'acme-worker',
      handleSignals: false,
      env: { NATS_URL: gw.system.nats.url, LOG_LEVEL: 'silent', ACK_WAIT_MS: '2000' },
      tasks: [
        implementTask(wordCount, async (input) => ({
          words: input.text.split(/\s+/).filter((w) => w.length >= input.minLength).length,
        })),
      ],
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await gw?.close();
  });

  const waitForJob = (id: string) =>
    waitUntil(async () => {
      const job = (await (await gw.call(`/v1/jobs/${id}`, { key: ALPHA_KEY })).json()) as { status: string; result?: unknown };
      return ['succeeded', 'failed'].includes(job.status) ? job : undefined;
    });

  it('a registered custom task is submitted over REST, validated, run by its worker and its result read back', async () => {
    const res = await gw.call('/v1/jobs', {
      method: 'POST',
      key: ALPHA_KEY,
      json: { type: 'acme.word-count', input: { text: 'one two three' } },
    });
    expect(res.status).toBe(202);
    const { id, queue } = (await res.json()) as { id: string; queue: string };
    expect(queue).toBe('acme');
    const done = await waitForJob(id);
    expect(done).toMatchObject({ status: 'succeeded', result: { words: 3 }, input: { text: 'one two three', minLength: 1 } });
  });

  it('input that breaks the registered schema is a 400 naming every failing path', async () => {
    const res = await gw.call('/v1/jobs', { method: 'POST', key: ALPHA_KEY, json: { type: 'acme.word-count', input: { minLength: 0 } } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['minLength', 'text']);
  });

  it('a type no worker registered is a 400 UNKNOWN_TASK, for a job, a batch item and a workflow step', async () => {
    const job = await gw.call('/v1/jobs', { method: 'POST', key: ALPHA_KEY, json: { type: 'acme.nope', input: {} } });
    expect(job.status).toBe(400);
    expect(((await job.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_TASK');
    const batch = await gw.call('/v1/batches', {
      method: 'POST',
      key: ALPHA_KEY,
      json: { items: [{ type: 'acme.word-count', input: { text: 'a' } }, { type: 'acme.nope' }] },
    });
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'UNKNOWN_TASK' });
    const wf = await gw.call('/v1/workflows', {
      method: 'POST',
      key: ALPHA_KEY,
      json: { steps: [{ id: 'a', type: 'acme.nope', input: {} }] },
    });
    expect(wf.status).toBe(400);
  });

  it('GET /v1/tasks lists built-in and registered types, with the worker serving the custom one', async () => {
    const res = await gw.call('/v1/tasks', { key: ALPHA_KEY });
    expect(res.status).toBe(200);
    const { items } = TaskListResponse.parse(await res.json());
    const custom = items.find((t) => t.type === 'acme.word-count');
    expect(custom).toMatchObject({ builtIn: false, queue: 'acme', version: 1 });
    expect(custom?.inputSchema).toMatchObject({ required: ['text'] });
    await waitUntil(async () => {
      const again = TaskListResponse.parse(await (await gw.call('/v1/tasks', { key: ALPHA_KEY })).json());
      return again.items.find((t) => t.type === 'acme.word-count')?.workers.some((w) => w.service === 'acme-worker') || undefined;
    });
    expect(items.find((t) => t.type === 'ai.tts')).toMatchObject({ builtIn: true, queue: 'ai' });
    const one = await gw.call('/v1/tasks/acme.word-count', { key: ALPHA_KEY });
    expect(one.status).toBe(200);
    expect((await gw.call('/v1/tasks/acme.missing', { key: ALPHA_KEY })).status).toBe(404);
    expect((await gw.call('/v1/tasks', { key: null })).status).toBe(401);
  });

  it('the custom task’s queue is listed and controlled like a built-in one', async () => {
    const list = (await (await gw.call('/v1/queues', { key: ALPHA_KEY })).json()) as { items: { name: string; consumers: number }[] };
    expect(list.items.find((q) => q.name === 'acme')).toMatchObject({ consumers: 1 });
    expect((await gw.call('/v1/queues/acme', { key: ALPHA_KEY })).status).toBe(200);
    expect((await gw.call('/v1/queues/nobody', { key: ALPHA_KEY })).status).toBe(404);
  });

  it('a workflow mixes custom and built-in steps, a built-in step consuming the custom step’s output', async () => {
    const res = await gw.call('/v1/workflows', {
      method: 'POST',
      key: ALPHA_KEY,
      json: {
        steps: [
          { id: 'count', type: 'acme.word-count', input: { text: 'alpha beta gamma delta' } },
          { id: 'nap', type: 'system.sleep', input: { ms: { $ref: 'count.result.words' }, steps: 1 }, dependsOn: ['count'] },
        ],
      },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const view = await waitUntil(async () => {
      const w = WorkflowView.parse(await (await gw.call(`/v1/workflows/${id}`, { key: ALPHA_KEY })).json());
      return ['succeeded', 'failed'].includes(w.status) ? w : undefined;
    });
    expect(view.status).toBe('succeeded');
    expect(view.steps.find((s) => s.id === 'count')).toMatchObject({ status: 'succeeded', result: { words: 4 } });
    // The built-in step got the custom step's output as its input.
    const nap = view.steps.find((s) => s.id === 'nap');
    const napJob = (await (await gw.call(`/v1/jobs/${nap?.jobId}`, { key: ALPHA_KEY })).json()) as { input: { ms: number } };
    expect(napJob.input.ms).toBe(4);
  });
});
