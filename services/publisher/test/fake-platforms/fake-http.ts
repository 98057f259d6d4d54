import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The plumbing every fake platform shares: a node:http server on 127.0.0.1 and a free
 * port, body reading, JSON answers, and a gate that holds chosen requests unanswered so a
 * test can kill a worker in the middle of an upload.
 */
export interface FakeServer {
  origin: string;
  close(): Promise<void>;
}

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => void | Promise<void>;

export async function listen(route: Route): Promise<FakeServer & { server: http.Server }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    try {
      await route(req, res, url, body);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: (err as Error).message } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function bearer(req: IncomingMessage): string | undefined {
  return req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
}

/** `bytes 0-262143/1049600` → {start, end, total}; `bytes *\/1049600` → {total}. */
export function contentRange(header: string | undefined): { start?: number; end?: number; total: number } | undefined {
  const m = header?.match(/^bytes (?:(\d+)-(\d+)|\*)\/(\d+)$/);
  if (!m) return undefined;
  return m[1] !== undefined ? { start: Number(m[1]), end: Number(m[2]), total: Number(m[3]) } : { total: Number(m[3]) };
}

/**
 * Holds upload requests after the first `after` have been answered, until released: the
 * held request is never answered (its socket is destroyed on release), as if the network
 * or the worker died mid-chunk.
 */
export class PauseGate {
  private passed = 0;
  private armed: number | undefined;
  private readonly held: ServerResponse[] = [];
  private onHeld: (() => void) | undefined;
  readonly holding: Promise<void>;

  constructor() {
    this.holding = new Promise((resolve) => {
      this.onHeld = resolve;
    });
  }

  pauseAfter(n: number): void {
    this.armed = n;
  }

  /** True when this request must hang. */
  hold(res: ServerResponse): boolean {
    if (this.armed !== undefined && this.passed >= this.armed) {
      this.armed = undefined;
      this.held.push(res);
      this.onHeld?.();
      return true;
    }
    this.passed += 1;
    return false;
  }

  release(): void {
    for (const res of this.held.splice(0)) res.socket?.destroy();
  }
}

/** The OAuth 2 token endpoint (refresh_token grant) every platform fake serves. */
export function refreshGrant(
  res: ServerResponse,
  body: Buffer,
  expect: { refreshToken: string; clientParam: string; clientId: string; issue: string },
): void {
  const form = new URLSearchParams(body.toString());
  if (
    form.get('grant_type') !== 'refresh_token' ||
    form.get('refresh_token') !== expect.refreshToken ||
    form.get(expect.clientParam) !== expect.clientId
  ) {
    sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    return;
  }
  sendJson(res, 200, { access_token: expect.issue, expires_in: 3599, token_type: 'Bearer' });
}
