import { JobEvent, type JobRecord, type WsServerMessage } from '@reelay/contracts';
import { waitUntil } from '@reelay/runtime/testing';
import WebSocket from 'ws';
import type { GatewayFixture } from './gateway-fixture.js';
import { createParser } from 'eventsource-parser';

/** Submits a job (with the admin key unless given) and returns the answer. */
export async function submit(g: GatewayFixture, body: unknown, key?: string) {
  const res = await g.call('/v1/jobs', { method: 'POST', json: body, ...(key ? { key } : {}) });
  return { res, body: (await res.json()) as { id: string; status: string; error?: { code: string; message: string } } };
}

/** Waits (with the admin key) until the job has finished. */
export async function waitDone(g: GatewayFixture, id: string): Promise<JobRecord> {
  const res = await g.call(`/v1/jobs/${id}/wait?timeoutMs=20000`);
  if (res.status !== 200) throw new Error(`wait for ${id} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as JobRecord;
}

export interface SseEvent {
  id: string;
  event: string;
  data: JobEvent;
}

/**
 * Reads an SSE response (parsed by eventsource-parser, as the SDK does) until the stream
 * ends or `stopAfter` events arrived; `abort` then closes the request.
 */
export async function readSse(res: Response, stopAfter = Number.POSITIVE_INFINITY, abort?: AbortController): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: (m) => events.push({ id: m.id ?? '', event: m.event ?? '', data: JobEvent.parse(JSON.parse(m.data)) }),
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  while (events.length < stopAfter) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  abort?.abort();
  await reader.cancel().catch(() => {});
  return events.slice(0, stopAfter);
}

export interface JobSocket {
  ws: WebSocket;
  /** Every frame the gateway sent, in order. */
  messages: WsServerMessage[];
  jobs(): JobRecord[];
  errors(): { code: string; message: string }[];
  send(frame: unknown): void;
  /** Sends a ping and resolves at its pong: the gateway has handled every frame sent before it. */
  sync(): Promise<void>;
  closed: Promise<number>;
  close(): void;
}

/** A WebSocket on /v1/ws, the key in ?access_token= as a browser would send it. */
export async function openJobSocket(g: GatewayFixture, key: string): Promise<JobSocket> {
  const ws = new WebSocket(`${g.url.replace('http', 'ws')}/v1/ws?access_token=${encodeURIComponent(key)}`);
  const messages: WsServerMessage[] = [];
  let pongs = 0;
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as WsServerMessage;
    if (m.type === 'pong') pongs += 1;
    messages.push(m);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  // A socket the gateway closes hard (a frame past the limit) may also error: that is the test's to see, not a crash.
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    jobs: () => messages.flatMap((m) => (m.type === 'job' ? [m.job] : [])),
    errors: () => messages.flatMap((m) => (m.type === 'error' ? [m.error] : [])),
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    async sync() {
      const want = pongs + 1;
      ws.send(JSON.stringify({ type: 'ping' }));
      await waitUntil(() => pongs >= want, { what: 'pong' });
    },
    close: () => ws.close(),
  };
}
