import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobRecord, JobStatus } from '@reelay/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { ReelayApiError, ReelayConnectionError } from './errors.js';
import { createClient } from './reelay-client.js';

/**
 * The events iterator against a small local SSE server that speaks the gateway's format
 * (`id: <seq>`, `event: state|progress`, `data: <JobEvent>`) and can drop connections at
 * will — something the real gateway cannot be made to do on demand.
 */

function job(status: JobStatus, progress: number): JobRecord {
  return {
    id: 'job-1',
    type: 'system.sleep',
    queue: 'system',
    input: { ms: 10 },
    priority: 5,
    project: 'default',
    maxAttempts: 3,
    createdAt: '2025-01-01T00:00:00.000Z',
    status,
    progress,
    attempts: status === 'queued' ? 0 : 1,
    freeRedeliveries: 0,
    errors: [],
    updatedAt: '2025-01-01T00:00:01.000Z',
    ...(status === 'succeeded' ? { result: { sleptMs: 10 } } : {}),
  };
}

const EVENTS: Array<{ seq: number; kind: 'state' | 'progress'; job: JobRecord }> = [
  { seq: 11, kind: 'state', job: job('queued', 0) },
  { seq: 12, kind: 'state', job: job('running', 0) },
  { seq: 13, kind: 'progress', job: job('running', 50) },
  { seq: 14, kind: 'progress', job: job('running', 90) },
  { seq: 15, kind: 'state', job: job('succeeded', 100) },
];

function frame(e: (typeof EVENTS)[number]): string {
  return `id: ${e.seq}\nevent: ${e.kind}\ndata: ${JSON.stringify({ kind: e.kind, job: e.job })}\n\n`;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('client.events', () => {
  it('resumes from the last seen id after the server drops the connection, yielding each event once', async () => {
    const seenLastEventIds: Array<string | undefined> = [];
    const baseUrl = await serve((req, res) => {
      const last = req.headers['last-event-id'] as string | undefined;
      seenLastEventIds.push(last);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const rest = EVENTS.filter((e) => last === undefined || e.seq > Number(last));
      if (seenLastEventIds.length === 1) {
        // First connection: two events, then the socket dies mid-stream without a clean end.
        res.write(frame(rest[0]!) + frame(rest[1]!));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      for (const e of rest) res.write(frame(e));
      res.end();
    });
    const client = createClient({ baseUrl, apiKey: 'k'.repeat(16) });
    const received = [];
    for await (const event of client.events('job-1', { reconnectDelayMs: 10 })) received.push(event);

    expect(received.map((e) => e.eventId)).toEqual(['11', '12', '13', '14', '15']);
    expect(seenLastEventIds).toEqual([undefined, '12']);
    expect(received.at(-1)?.job.status).toBe('succeeded');
    expect(received[2]).toMatchObject({ kind: 'progress', job: { progress: 50 } });
  });

  it('ends after the terminal state event even when the server keeps the stream open', async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const e of EVENTS) res.write(frame(e));
      // Never ended by the server: the client must stop by itself.
    });
    const client = createClient({ baseUrl });
    const kinds = [];
    for await (const event of client.events('job-1')) kinds.push(`${event.kind}:${event.job.status}`);
    expect(kinds).toEqual(['state:queued', 'state:running', 'progress:running', 'progress:running', 'state:succeeded']);
  });

  it('reconnects when the server ends the stream cleanly before the terminal event', async () => {
    let connections = 0;
    const baseUrl = await serve((req, res) => {
      connections++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const last = Number(req.headers['last-event-id'] ?? 0);
      const next = EVENTS.find((e) => e.seq > last)!;
      // One event per connection, then a clean end: a proxy with a short idle limit behaves like this.
      res.end(frame(next));
    });
    const client = createClient({ baseUrl });
    const ids = [];
    for await (const event of client.events('job-1', { reconnectDelayMs: 1 })) ids.push(event.eventId);
    expect(ids).toEqual(['11', '12', '13', '14', '15']);
    expect(connections).toBe(5);
  });

  it('skips keep-alive comments and unknown event types', async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': keep-alive\n\n');
      res.write('event: hello\ndata: {"server":"future"}\n\n');
      res.end(frame(EVENTS[4]!));
    });
    const client = createClient({ baseUrl });
    const received = [];
    for await (const event of client.events('job-1')) received.push(event);
    expect(received).toHaveLength(1);
    expect(received[0]?.job.status).toBe('succeeded');
  });

  it('sends the caller-given lastEventId on the first connection', async () => {
    let first: string | undefined;
    const baseUrl = await serve((req, res) => {
      first ??= req.headers['last-event-id'] as string;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(frame(EVENTS[4]!));
    });
    const client = createClient({ baseUrl });
    for await (const _ of client.events('job-1', { lastEventId: '13' })) {
      // draining
    }
    expect(first).toBe('13');
  });

  it('throws a ReelayApiError for a missing job without reconnecting', async () => {
    let connections = 0;
    const baseUrl = await serve((_req, res) => {
      connections++;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no job job-1' } }));
    });
    const client = createClient({ baseUrl });
    const drain = async () => {
      for await (const _ of client.events('job-1', { reconnectDelayMs: 1 })) {
        // draining
      }
    };
    const err = await drain().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelayApiError);
    expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND', retryable: false });
    expect(connections).toBe(1);
  });

  it('gives up with a ReelayConnectionError after maxReconnects fruitless reconnects', async () => {
    let connections = 0;
    const baseUrl = await serve((_req, res) => {
      connections++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'NATS is down' } }));
    });
    const client = createClient({ baseUrl });
    const drain = async () => {
      for await (const _ of client.events('job-1', { reconnectDelayMs: 1, maxReconnects: 3 })) {
        // draining
      }
    };
    const err = await drain().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelayConnectionError);
    expect((err as ReelayConnectionError).cause).toBeInstanceOf(ReelayApiError);
    expect(connections).toBe(4);
  });

  it('stops with the abort reason when the caller aborts mid-stream', async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(frame(EVENTS[0]!));
    });
    const client = createClient({ baseUrl });
    const controller = new AbortController();
    const seen: string[] = [];
    const drain = async () => {
      for await (const event of client.events('job-1', { signal: controller.signal })) {
        seen.push(event.job.status);
        controller.abort(new Error('caller gave up'));
      }
    };
    await expect(drain()).rejects.toThrow('caller gave up');
    expect(seen).toEqual(['queued']);
  });
});
