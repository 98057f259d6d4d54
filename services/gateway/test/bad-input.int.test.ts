import { ARTIFACTS_BUCKET, type JobRecord } from '@reelay/contracts';
import { waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADMIN_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';
import { openJobSocket, readSse, submit, waitDone } from './stream-clients.js';

const UNKNOWN_JOB = '01a00000-0000-7000-8000-000000000000';

/** The answer's status and error code, to compare in one expect. */
async function answer(res: Response): Promise<{ status: number; code: string | undefined }> {
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code };
}

const deadJob = async (g: GatewayFixture): Promise<string> => {
  const { body } = await submit(g, { type: 'system.sleep', input: { ms: 1, failAttempts: 1 }, maxAttempts: 1 });
  expect((await waitDone(g, body.id)).status).toBe('failed');
  return body.id;
};

describe('bad input answers 4xx in the error envelope, and never takes the gateway down', () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    // Bad keys are part of the garbage below; the failed-auth throttle has its own test.
    g = await startGateway({ AUTH_FAILURES_PER_MINUTE: '100000' });
  });
  afterAll(() => g.close());

  it('a JSON body nested 5,000 levels deep answers 400', async () => {
    const arrays = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const objects = `{"type":"system.noop","input":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`;
    for (const [path, body] of [
      ['/v1/jobs', arrays],
      ['/v1/jobs', objects],
      ['/v1/workflows', objects],
    ] as const) {
      const res = await g.call(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect({ path, ...(await answer(res)) }).toEqual({ path, status: 400, code: 'INVALID_INPUT' });
    }
  });

  it('an artifact upload with no body, or an empty one, answers 400 and stores nothing', async () => {
    const stored = async () => (await (await g.system.ctx.objm.open(ARTIFACTS_BUCKET)).list()).length;
    const before = await stored();
    for (const init of [{ method: 'POST' }, { method: 'POST', body: '', headers: { 'content-type': 'video/mp4' } }]) {
      expect(await answer(await g.call('/v1/artifacts?name=empty.mp4', init))).toEqual({ status: 400, code: 'INVALID_INPUT' });
    }
    expect(await stored()).toBe(before);
  });

  it('an artifact upload to a project name no other route takes answers 400', async () => {
    for (const project of ['Q]', 'a b', 'x'.repeat(65), '../beta']) {
      const res = await g.call(`/v1/artifacts?project=${encodeURIComponent(project)}`, {
        method: 'POST',
        body: 'x',
        headers: { 'content-type': 'text/plain' },
      });
      expect({ project, ...(await answer(res)) }).toEqual({ project, status: 400, code: 'INVALID_INPUT' });
    }
  });

  it('a Last-Event-ID that is not a safe integer answers 400', async () => {
    const { body } = await submit(g, { type: 'system.noop' });
    await waitDone(g, body.id);
    for (const lastId of ['99999999999999999999999', '9007199254740993', '-1', '1e3', '0x10', '1.5', 'abc']) {
      const res = await g.call(`/v1/jobs/${body.id}/events`, { headers: { 'last-event-id': lastId } });
      expect({ lastId, ...(await answer(res)) }).toEqual({ lastId, status: 400, code: 'INVALID_INPUT' });
    }
  });

  it('router errors answer in the envelope: 414 for an over-long id, 400 for a malformed escape', async () => {
    expect(await answer(await g.call(`/v1/jobs/${'a'.repeat(500)}`))).toEqual({ status: 414, code: 'URI_TOO_LONG' });
    expect(await answer(await g.call(`/v1/dlq/${'a'.repeat(500)}/requeue`, { method: 'POST' }))).toEqual({
      status: 414,
      code: 'URI_TOO_LONG',
    });
    expect(await answer(await g.call('/v1/jobs/%zz'))).toEqual({ status: 400, code: 'INVALID_INPUT' });
    expect(await answer(await g.call('/v1/jobs/%E0%A4%A'))).toEqual({ status: 400, code: 'INVALID_INPUT' });
  });

  it('a queue name from a client is checked before it reaches a subject: ?queue=> answers 400', async () => {
    for (const queue of ['>', '*', 'system.>', 'a b', 'SYSTEM']) {
      const res = await g.call(`/v1/dlq?queue=${encodeURIComponent(queue)}`);
      expect({ queue, ...(await answer(res)) }).toEqual({ queue, status: 400, code: 'INVALID_INPUT' });
    }
    expect((await g.call('/v1/dlq?queue=system')).status).toBe(200);
    expect(await answer(await g.call('/v1/queues/%3E/pause', { method: 'POST' }))).toEqual({ status: 400, code: 'INVALID_INPUT' });
  });

  it('a timeoutMs past what a timer can hold is refused on every submit path', async () => {
    const timeoutMs = 3e9;
    const refused = async (path: string, json: unknown) => {
      expect({ path, ...(await answer(await g.call(path, { method: 'POST', json }))) }).toEqual({
        path,
        status: 400,
        code: 'INVALID_INPUT',
      });
    };
    await refused('/v1/schedules', { spec: { everyMs: 60_000 }, job: { type: 'system.noop', timeoutMs }, paused: true });
    await refused('/v1/jobs', { type: 'system.noop', timeoutMs });
    await refused('/v1/batches', { items: [{ type: 'system.noop', timeoutMs }] });
    await refused('/v1/workflows', { steps: [{ id: 'a', type: 'system.noop', timeoutMs }] });
    await refused(`/v1/dlq/${await deadJob(g)}/requeue`, { timeoutMs });
  });

  it('a dead job is requeued with no body, with {}, with an empty JSON body, and with timeoutMs and maxAttempts patched', async () => {
    const requeue = async (id: string, init: RequestInit & { json?: unknown }) => {
      const res = await g.call(`/v1/dlq/${id}/requeue`, { method: 'POST', ...init });
      const text = await res.text();
      expect({ status: res.status, text }).toEqual({ status: 202, text: expect.stringContaining('"id"') });
      return JSON.parse(text) as JobRecord;
    };
    expect((await requeue(await deadJob(g), {})).status).toBe('queued');
    expect((await requeue(await deadJob(g), { json: {} })).status).toBe('queued');
    expect((await requeue(await deadJob(g), { headers: { 'content-type': 'application/json' }, body: '' })).status).toBe('queued');

    // One attempt fails by design (failAttempts: 1); with three attempts the second succeeds.
    const patched = await requeue(await deadJob(g), { json: { timeoutMs: 45_000, maxAttempts: 3 } });
    expect(patched).toMatchObject({ maxAttempts: 3, timeoutMs: 45_000 });
    const done = await waitDone(g, patched.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, maxAttempts: 3, timeoutMs: 45_000 });
  });

  it('a bad WebSocket frame gets an error frame and the socket keeps serving', async () => {
    const socket = await openJobSocket(g, ADMIN_KEY);
    socket.send({ type: 'subscribe', jobIds: ['a b'] });
    await socket.sync();
    expect(socket.errors().map((e) => e.code)).toEqual(['INVALID_INPUT']);
    const { body } = await submit(g, { type: 'system.noop' });
    await waitDone(g, body.id);
    socket.send({ type: 'subscribe', jobIds: [body.id] });
    await socket.sync();
    expect(socket.jobs().map((j) => j.status)).toEqual(['succeeded']);
    socket.close();
  });

  it('garbage at every WebSocket and SSE route leaves the gateway answering', async () => {
    const weirdIds = ['a b', '>', '*', 'a.b', 'events.jobs.>', '', '\u0000', '\ud800', '../../x', 'x'.repeat(10_000), `${UNKNOWN_JOB}>`];
    const frames: (string | Buffer)[] = [
      Buffer.from([0, 1, 2, 255]),
      'not json',
      '',
      '{',
      'null',
      '42',
      '"subscribe"',
      '[]',
      '{}',
      '{"type":"nope"}',
      '{"type":"subscribe"}',
      '{"type":"subscribe","jobIds":"x"}',
      '{"type":"subscribe","jobIds":[]}',
      '{"type":"subscribe","jobIds":[1,null,{}]}',
      JSON.stringify({ type: 'subscribe', jobIds: Array(1_001).fill(UNKNOWN_JOB) }),
      '{"type":"subscribe","jobIds":["x"],"__proto__":{"polluted":true}}',
      `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
      ...weirdIds.flatMap((id) => [
        JSON.stringify({ type: 'subscribe', jobIds: [id] }),
        JSON.stringify({ type: 'unsubscribe', jobIds: [id] }),
      ]),
    ];
    const socket = await openJobSocket(g, ADMIN_KEY);
    for (const frame of frames) {
      if (Buffer.isBuffer(frame)) socket.ws.send(frame, { binary: true });
      else socket.ws.send(frame);
    }
    socket.send({ type: 'subscribe', jobIds: [UNKNOWN_JOB] });
    await socket.sync();
    expect(socket.errors()).toHaveLength(frames.length + 1);
    expect(socket.errors().at(-1)?.code).toBe('NOT_FOUND');
    expect(
      socket
        .errors()
        .slice(0, -1)
        .every((e) => e.code === 'INVALID_INPUT'),
    ).toBe(true);
    socket.close();

    // A frame past the size limit closes that socket (1009), and only that socket.
    const huge = await openJobSocket(g, ADMIN_KEY);
    huge.ws.send(JSON.stringify({ type: 'subscribe', jobIds: ['x'.repeat(2_000_000)] }));
    expect(await huge.closed).toBe(1009);

    // A socket that goes away while its subscribe is being handled.
    const hasty = await openJobSocket(g, ADMIN_KEY);
    hasty.send({ type: 'subscribe', jobIds: Array(50).fill(UNKNOWN_JOB) });
    hasty.ws.terminate();

    // Bad keys and no key on the socket route are refused before the upgrade.
    for (const query of ['', '?access_token=', '?access_token=nope', `?access_token=${'k'.repeat(5_000)}`]) {
      const ws = new WebSocket(`${g.url.replace('http', 'ws')}/v1/ws${query}`);
      const status = await new Promise<number>((resolve) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => resolve(-1));
      });
      ws.terminate();
      expect({ query: query.slice(0, 30), status }).toEqual({ query: query.slice(0, 30), status: 401 });
    }
    expect(await answer(await g.call('/v1/ws'))).toEqual({ status: 400, code: 'INVALID_INPUT' });

    // SSE: ids that are no job ids, and Last-Event-IDs that are no sequences.
    // (A lone surrogate cannot be put in a URL at all.)
    for (const id of weirdIds.filter((i) => i !== '' && i !== '\ud800')) {
      const res = await g.call(`/v1/jobs/${encodeURIComponent(id)}/events`);
      expect({ id: id.slice(0, 30), ok: res.status >= 400 && res.status < 500 }).toEqual({ id: id.slice(0, 30), ok: true });
      await res.body?.cancel();
    }
    const { body } = await submit(g, { type: 'system.noop' });
    await waitDone(g, body.id);
    for (const lastId of ['99999999999999999999999', '-1', 'abc', '1,2', '1;2', '0'.repeat(10_000)]) {
      const res = await g.call(`/v1/jobs/${body.id}/events`, { headers: { 'last-event-id': lastId } });
      expect({ lastId: lastId.slice(0, 30), status: res.status }).toEqual({ lastId: lastId.slice(0, 30), status: 400 });
    }
    const beyond = await g.call(`/v1/jobs/${body.id}/events`, { headers: { 'last-event-id': String(Number.MAX_SAFE_INTEGER) } });
    expect(beyond.status).toBe(200);
    expect(await readSse(beyond)).toEqual([]);

    await waitUntil(async () => (await g.call('/healthz', { key: null })).status === 200, { what: '/healthz' });
    expect(g.gateway.proc.exitCode).toBeNull();
    expect(g.gateway.output()).not.toMatch(/InvalidSubjectError/);
    const after = await submit(g, { type: 'system.noop' });
    expect((await waitDone(g, after.body.id)).status).toBe('succeeded');
  });
});

describe('when NATS is down', () => {
  it('answers 503 in the envelope with Retry-After', async () => {
    const g = await startGateway();
    try {
      await g.system.nats.kill();
      for (const [path, init] of [
        [`/v1/jobs/${UNKNOWN_JOB}`, {}],
        ['/v1/jobs', { method: 'POST', json: { type: 'system.noop' } }],
        ['/readyz', { key: null }],
      ] as const) {
        const res = await g.call(path, init);
        expect({ path, ...(await answer(res)) }).toEqual({ path, status: 503, code: 'UNAVAILABLE' });
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    } finally {
      await g.close();
    }
  });
});
