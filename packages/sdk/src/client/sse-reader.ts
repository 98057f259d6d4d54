import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { abortableSleep } from './abortable-sleep.js';
import { ReelayApiError, ReelayConnectionError, ReelayError } from './errors.js';

/**
 * Reads a Server-Sent Events stream over fetch and resumes it after a disconnect by
 * reconnecting with the last seen `id` as `Last-Event-ID`, as the EventSource spec does —
 * but over fetch, so it can send the API key and run in Node as well as browsers.
 * It stops after the event `isFinal` picks, or when the caller's signal aborts.
 */

export type SseMessage = EventSourceMessage;

export interface ResumableSseOptions<T> {
  /** Opens (or reopens) the stream; resolves with the response once its headers arrived. */
  open(lastEventId: string | undefined, signal: AbortSignal | undefined): Promise<Response>;
  /** Turns a message into the value yielded; `undefined` skips it (an event type this reader ignores). */
  decode(message: SseMessage): T | undefined;
  /** The value after which the stream is complete and no reconnect should follow. */
  isFinal(value: T): boolean;
  lastEventId?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Wait before reconnecting; a `retry:` field from the server replaces it. @default 1000 */
  reconnectDelayMs?: number | undefined;
  /** Give up after this many reconnects in a row that brought no event. @default 10 */
  maxReconnects?: number | undefined;
}

export async function* resumableSse<T>(options: ResumableSseOptions<T>): AsyncGenerator<T, void, undefined> {
  const { signal } = options;
  let lastEventId = options.lastEventId;
  let delayMs = options.reconnectDelayMs ?? 1_000;
  const maxReconnects = options.maxReconnects ?? 10;
  let fruitless = 0;
  let lastFailure: unknown;

  for (let connection = 0; ; connection++) {
    signal?.throwIfAborted();
    if (connection > 0) {
      if (fruitless > maxReconnects) {
        throw new ReelayConnectionError(`event stream lost ${fruitless} times in a row`, { cause: lastFailure });
      }
      await abortableSleep(delayMs, signal);
    }

    let response: Response;
    try {
      response = await options.open(lastEventId, signal);
    } catch (err) {
      if (signal?.aborted || !isTransient(err)) throw err;
      lastFailure = err;
      fruitless++;
      continue;
    }
    if (!response.body) throw new ReelayConnectionError('event stream response has no body');

    const pending: SseMessage[] = [];
    const parser = createParser({
      onEvent: (message) => pending.push(message),
      onRetry: (ms) => {
        delayMs = ms;
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    // Counted as fruitless until an event arrives on this connection.
    fruitless++;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
        while (pending.length > 0) {
          const message = pending.shift()!;
          if (message.id !== undefined) lastEventId = message.id;
          fruitless = 0;
          const decoded = options.decode(message);
          if (decoded === undefined) continue;
          yield decoded;
          if (options.isFinal(decoded)) return;
        }
      }
      lastFailure = new Error('the server closed the event stream before the final event');
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      if (err instanceof ReelayError && !err.retryable) throw err;
      // The connection dropped mid-stream: reconnect from the last id we saw.
      lastFailure = err;
    } finally {
      reader.cancel().catch(() => {});
    }
  }
}

function isTransient(err: unknown): boolean {
  if (err instanceof ReelayApiError || err instanceof ReelayConnectionError) return err.retryable;
  return false;
}
