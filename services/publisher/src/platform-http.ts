import type { AccessToken } from './access-tokens.js';
import { type DescribeFault, errorForResponse, networkError } from './provider-errors.js';

export interface PlatformRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  /** Raw bytes (a chunk) or text. */
  body?: Uint8Array | string;
  json?: unknown;
  form?: URLSearchParams | FormData;
  /** Send the account's bearer token (default true). */
  auth?: boolean;
  /** Statuses that are answers here, not errors (YouTube's 308 Resume Incomplete). */
  accept?: number[];
}

/**
 * Node's fetch, as one platform account sees it: bearer auth with one refresh-and-retry
 * on 401, a per-request timeout tied to the job's AbortSignal, and every failure turned
 * into a classified error (provider-errors.ts). Headers are never logged: they hold tokens.
 */
export class PlatformHttp {
  constructor(
    readonly platform: string,
    private readonly options: { describe: DescribeFault; timeoutMs: number; signal: AbortSignal; token?: AccessToken },
  ) {}

  async send(req: PlatformRequest): Promise<Response> {
    const { token, signal } = this.options;
    const auth = req.auth ?? true;
    for (let refreshed = false; ; refreshed = true) {
      const bearer = auth ? token?.current : undefined;
      const headers: Record<string, string> = { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) };
      let body: RequestInit['body'];
      if (req.json !== undefined) {
        headers['content-type'] = 'application/json; charset=UTF-8';
        body = JSON.stringify(req.json);
      } else {
        body = req.form ?? req.body;
      }
      let res: Response;
      try {
        res = await fetch(req.url, {
          method: req.method,
          headers: { ...headers, ...req.headers },
          ...(body !== undefined ? { body } : {}),
          // 308 is YouTube's "Resume Incomplete", not a redirect to follow.
          redirect: 'manual',
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
        });
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        throw networkError(this.platform, err);
      }
      if (res.ok || req.accept?.includes(res.status)) return res;
      const text = await res.text().catch(() => '');
      if (res.status === 401 && bearer && token?.canRefresh && !refreshed) {
        await token.refresh(this, bearer);
        continue;
      }
      throw errorForResponse(this.platform, res.status, res.headers, text, this.options.describe);
    }
  }

  async json<T>(req: PlatformRequest): Promise<T> {
    const res = await this.send(req);
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw errorForResponse(this.platform, 502, res.headers, `unreadable answer: ${text.slice(0, 200)}`, (_, body) => ({
        message: body,
        transient: true,
      }));
    }
  }
}

/** Parses a JSON error body without trusting it to be JSON. */
export function parseBody(body: string): any {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
