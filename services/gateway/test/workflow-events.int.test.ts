/**
 * GET /v1/workflows/:id/events against the real gateway, scheduler and nats-server: the
 * workflow's view pushed as it changes, ending when it finishes; bounded to the key's
 * projects like every read.
 */
import type { WorkflowView } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA_KEY, BETA_READER_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** The whole stream, read until the server ends it, as parsed events (the `retry:` line included). */
async function readStream(res: Response): Promise<{ retry: number | undefined; events: SseEvent[] }> {
  const text = await res.text();
  let retry: number | undefined;
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    const event: SseEvent = {};
    for (const line of block.split('\n')) {
      const [field, ...rest] = line.split(': ');
      const value = rest.join(': ');
      if (field === 'retry') retry = Number(value);
      if (field === 'id' || field === 'event' || field === 'data') event[field] = value;
    }
    if (event.event) events.push(event);
  }
  return { retry, events };
}

describe('workflow events (SSE)', () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGateway();
  });
  afterAll(() => g.close());

  const submit = async (key: string) => {
    const res = await g.call('/v1/workflows', {
      method: 'POST',
      key,
      json: {
        steps: [
          { id: 'a', type: 'system.sleep', input: { ms: 600, steps: 3 } },
          { id: 'b', type: 'system.noop', input: {}, dependsOn: ['a'] },
        ],
      },
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  };

  it('pushes the view at once and at every change, numbered, and ends after the finished view', async () => {
    const id = await submit(ALPHA_KEY);
    const res = await g.call(`/v1/workflows/${id}/events`, { key: ALPHA_KEY });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { retry, events } = await readStream(res);
    expect(retry).toBe(1000);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.map((e) => e.event)).toEqual(events.map(() => 'workflow'));
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i + 1));
    const views = events.map((e) => JSON.parse(e.data ?? '') as WorkflowView);
    expect(views.every((v) => v.id === id)).toBe(true);
    expect(views.at(-1)).toMatchObject({ status: 'succeeded', progress: 100 });
    expect(views.slice(0, -1).every((v) => v.status === 'running')).toBe(true);
    // Each event says something new: no two in a row are the same view.
    const prints = views.map((v) => JSON.stringify([v.status, v.progress, v.steps.map((s) => [s.status, s.progress])]));
    expect(prints.every((p, i) => i === 0 || p !== prints[i - 1])).toBe(true);
    // A step seen running, then b after a: the changes came as they happened.
    expect(views.some((v) => v.steps.find((s) => s.id === 'a')?.status === 'running')).toBe(true);
  });

  it('a finished workflow answers its final view and ends; the key may come as access_token (EventSource)', async () => {
    const id = await submit(ALPHA_KEY);
    await readStream(await g.call(`/v1/workflows/${id}/events`, { key: ALPHA_KEY }));
    const res = await fetch(`${g.url}/v1/workflows/${id}/events?access_token=${ALPHA_KEY}`);
    expect(res.status).toBe(200);
    const { events } = await readStream(res);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.data ?? '')).toMatchObject({ id, status: 'succeeded' });
  });

  it('another project’s workflow is not found, as its GET is; an unknown id is a 404; no key is a 401', async () => {
    const id = await submit(ALPHA_KEY);
    const get = await g.call(`/v1/workflows/${id}`, { key: BETA_READER_KEY });
    const events = await g.call(`/v1/workflows/${id}/events`, { key: BETA_READER_KEY });
    expect(events.status).toBe(get.status);
    expect([403, 404]).toContain(events.status);
    expect(await events.text()).not.toContain('"steps"');
    expect((await g.call('/v1/workflows/0196f0c1-2a3b-7c4d-8e5f-6a7b8c9d0e1f/events')).status).toBe(404);
    expect((await g.call(`/v1/workflows/${id}/events`, { key: null })).status).toBe(401);
  });
});
