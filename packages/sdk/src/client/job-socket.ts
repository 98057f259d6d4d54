import { isTerminal, type JobView, WsServerMessage } from '@reelay/contracts';
import { abortableSleep } from './abortable-sleep.js';
import { ReelayConnectionError, ReelayError } from './errors.js';

/**
 * GET /v1/ws as an async iterator: one WebSocket for many jobs, yielding each job's record
 * as soon as it changes (the current record first). Where `events(id)` streams one job's
 * history over SSE, this follows a set of jobs — a batch, a dashboard's page — on one
 * connection. After a dropped connection it reconnects and subscribes again to the jobs
 * not finished yet; the gateway answers each subscribe with the current record, so the
 * latest state is never missed (intermediate states while disconnected may be).
 */

/** The part of the WHATWG WebSocket this reader uses: browsers', Node 22's, Deno's, Bun's and `ws`'s all have it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WatchJobsOptions {
  signal?: AbortSignal | undefined;
  /**
   * The WebSocket class to connect with: the global one when left out (browsers, Node 22+,
   * Deno, Bun). On Node 20 pass `ws`'s: `import WebSocket from 'ws'`.
   */
  WebSocket?: WebSocketConstructor | undefined;
  /** End once every job has reached a terminal state. False: follow until the signal aborts (a requeue revives a job). @default true */
  untilFinished?: boolean | undefined;
  /** Wait before reconnecting after a dropped connection. @default 1000 */
  reconnectDelayMs?: number | undefined;
  /** Give up after this many reconnects in a row that brought no record. @default 10 */
  maxReconnects?: number | undefined;
}

type Item = { kind: 'job'; job: JobView } | { kind: 'error'; error: ReelayError } | { kind: 'pong' } | { kind: 'closed' };

export async function* watchJobs(
  socketUrl: string,
  ids: readonly string[],
  options: WatchJobsOptions = {},
): AsyncGenerator<JobView, void, undefined> {
  const Socket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Socket)
    throw new ReelayError('NO_WEBSOCKET', 'no global WebSocket here (Node 20): pass one as options.WebSocket, e.g. ws', {
      retryable: false,
    });
  if (ids.length === 0) return;
  const { signal } = options;
  const untilFinished = options.untilFinished ?? true;
  const maxReconnects = options.maxReconnects ?? 10;
  const open = new Set(ids);
  let fruitless = 0;

  for (let connection = 0; ; connection++) {
    signal?.throwIfAborted();
    if (connection > 0) {
      if (fruitless > maxReconnects) throw new ReelayConnectionError(`job socket lost ${fruitless} times in a row`);
      await abortableSleep(options.reconnectDelayMs ?? 1_000, signal);
    }
    fruitless++;
    const items: Item[] = [];
    let wake: (() => void) | undefined;
    const push = (item: Item) => {
      items.push(item);
      wake?.();
    };
    const socket = new Socket(socketUrl);
    // Following finished jobs too (untilFinished false), every id is subscribed again.
    const subscribe = untilFinished ? [...open] : [...ids];
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'subscribe', jobIds: subscribe })));
    socket.addEventListener('message', (event) => push(decode(event.data)));
    // An error event is followed by close; close is what ends (or reconnects) the stream.
    socket.addEventListener('error', () => {});
    socket.addEventListener('close', () => push({ kind: 'closed' }));
    const onAbort = () => socket.close(1000, 'aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        while (items.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
        const item = items.shift() as Item;
        signal?.throwIfAborted();
        if (item.kind === 'closed') break;
        if (item.kind === 'error') throw item.error;
        if (item.kind === 'pong') continue;
        fruitless = 0;
        if (isTerminal(item.job.status)) open.delete(item.job.id);
        else open.add(item.job.id);
        yield item.job;
        if (untilFinished && open.size === 0) return;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      socket.close(1000, 'done');
    }
    // Closed with every job finished: nothing left to follow.
    if (untilFinished && open.size === 0) return;
  }
}

function decode(data: unknown): Item {
  let json: unknown;
  try {
    json = JSON.parse(typeof data === 'string' ? data : '');
  } catch {
    return { kind: 'error', error: new ReelayError('PROTOCOL', 'the job socket sent a frame that is not JSON', { retryable: false }) };
  }
  const parsed = WsServerMessage.safeParse(json);
  if (!parsed.success)
    return { kind: 'error', error: new ReelayError('PROTOCOL', 'the job socket sent a frame the contracts reject', { retryable: false }) };
  const message = parsed.data;
  if (message.type === 'job') return { kind: 'job', job: message.job };
  if (message.type === 'error') {
    return {
      kind: 'error',
      error: new ReelayError(message.error.code, message.error.message, { retryable: message.error.code === 'UNAVAILABLE' }),
    };
  }
  return { kind: 'pong' };
}
