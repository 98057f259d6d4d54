import { ReelayApiError, ReelayConnectionError, ReelayProtocolError } from './errors.js';

/**
 * The one place the SDK talks HTTP: joins URLs, adds the API key, applies the client's
 * timeout, turns non-2xx answers into ReelayApiError and validates bodies with the
 * contracts' schemas. Only fetch and web streams, so browsers can use it too.
 */

/** The part of a zod schema the SDK needs; structural so the SDK does not import zod itself. */
export interface ResponseSchema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: unknown } };
}

/** fetch's body type, named here because Node's typings do not declare a global BodyInit. */
export type RequestBody = NonNullable<RequestInit['body']>;

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  fetch?: FetchFn | undefined;
  /** Per request, until the whole JSON body has arrived (streams: until the headers). @default 30000 */
  timeoutMs?: number | undefined;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  method?: string;
  query?: Record<string, QueryValue> | undefined;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (uploads). */
  body?: RequestBody | undefined;
  headers?: Record<string, string | undefined> | undefined;
  signal?: AbortSignal | undefined;
  /** Overrides the client's timeout for this request (long polls need more); 0 or Infinity for none. */
  timeoutMs?: number | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export class Transport {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly fetchFn: FetchFn;
  private readonly timeoutMs: number;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    const custom = options.fetch;
    // Called as a plain function: a browser's fetch throws "Illegal invocation" when
    // called as a method of some other object.
    this.fetchFn = custom ? (input, init) => custom(input, init) : (input, init) => globalThis.fetch(input, init);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /**
   * The ws:// (or wss://) URL of a WebSocket route. The key goes in `access_token`, as a
   * browser's WebSocket cannot send an Authorization header.
   */
  socketUrl(path: string): string {
    const url = new URL(this.url(path, { access_token: this.apiKey }));
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.toString();
  }

  /** Sends a request and parses its JSON answer with `schema`. */
  async json<T>(path: string, schema: ResponseSchema<T>, options: RequestOptions = {}): Promise<{ data: T; status: number }> {
    const { response, done, signal: timeoutSignal } = await this.send(path, options);
    try {
      const text = await response.text();
      return { data: parseBody(schema, text, `${options.method ?? 'GET'} ${path}`), status: response.status };
    } catch (err) {
      throw this.translate(err, options.signal, timeoutSignal);
    } finally {
      done();
    }
  }

  /** Sends a request whose answer has no body worth reading (204). */
  async empty(path: string, options: RequestOptions = {}): Promise<number> {
    const { response, done } = await this.send(path, options);
    try {
      await response.body?.cancel();
      return response.status;
    } finally {
      done();
    }
  }

  /**
   * Sends a request and hands back the response as soon as its headers arrive, for the
   * caller to stream. The timeout covers only the wait for the headers: a download or an
   * event stream may rightly run for hours.
   */
  async stream(path: string, options: RequestOptions = {}): Promise<Response> {
    const { response, done } = await this.send(path, options);
    done();
    return response;
  }

  private async send(path: string, options: RequestOptions): Promise<{ response: Response; done: () => void; signal: AbortSignal }> {
    // The caller's signal aborts the request and, for streams, the body being read later;
    // the timeout only until done() is called. AbortSignal.any holds neither strongly.
    const timeout = new AbortController();
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    // 0 or Infinity: no client timeout (uploads of large files). setTimeout would fire at once for Infinity.
    const timer =
      Number.isFinite(timeoutMs) && timeoutMs > 0 ? setTimeout(() => timeout.abort(new ClientTimeout(timeoutMs)), timeoutMs) : undefined;
    const outer = options.signal;
    const signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
    const done = () => clearTimeout(timer);

    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let body: RequestBody | undefined = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    for (const [key, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) headers[key.toLowerCase()] = value;
    }
    const init: RequestInit & { duplex?: 'half' } = { method: options.method ?? 'GET', headers, signal };
    if (body !== undefined) {
      init.body = body;
      // fetch refuses a streamed request body unless it is told the request is half duplex.
      if (body instanceof ReadableStream) init.duplex = 'half';
    }

    let response: Response;
    try {
      response = await this.fetchFn(this.url(path, options.query), init);
    } catch (err) {
      done();
      throw this.translate(err, outer, timeout.signal);
    }
    if (!response.ok) {
      try {
        throw await ReelayApiError.fromResponse(response);
      } finally {
        done();
      }
    }
    return { response, done, signal: timeout.signal };
  }

  /** Caller aborts stay aborts; the client's own timeout and network failures become ReelayConnectionError. */
  private translate(err: unknown, outer: AbortSignal | undefined, own?: AbortSignal): unknown {
    if (err instanceof ReelayApiError || err instanceof ReelayProtocolError) return err;
    if (outer?.aborted) return outer.reason ?? err;
    const reason = own?.reason;
    if (reason instanceof ClientTimeout || err instanceof ClientTimeout) {
      return new ReelayConnectionError(`no answer from ${this.baseUrl} within ${(reason as ClientTimeout | undefined)?.ms ?? '?'} ms`, {
        code: 'CLIENT_TIMEOUT',
        cause: err,
      });
    }
    const detail = describeCause(err);
    return new ReelayConnectionError(`cannot reach ${this.baseUrl}${detail ? `: ${detail}` : ''}`, { cause: err });
  }
}

class ClientTimeout extends Error {
  constructor(readonly ms: number) {
    super(`client timeout after ${ms} ms`);
    this.name = 'ClientTimeout';
  }
}

export function parseBody<T>(schema: ResponseSchema<T>, text: string, what: string): T {
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch (err) {
    throw new ReelayProtocolError(`${what}: the answer is not JSON`, String(err));
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ReelayProtocolError(`${what}: the answer does not match the contract`, parsed.error.issues);
  return parsed.data;
}

/** Node's fetch hides the useful part (ECONNREFUSED…) in `cause`. */
function describeCause(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : '';
}
