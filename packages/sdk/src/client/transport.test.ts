import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JobView } from '@reelay/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { ReelayApiError, ReelayConnectionError, ReelayProtocolError } from './errors.js';
import { Transport } from './transport.js';

/** The transport against a local HTTP server: headers it sends, and how it classifies answers. */

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

const Anything = { safeParse: (data: unknown) => ({ success: true as const, data }) };

describe('Transport', () => {
  it('sends the API key as a bearer token, JSON bodies, and only the query values that are set', async () => {
    let seen: { url?: string; auth?: string; type?: string; body?: string } = {};
    const baseUrl = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body };
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    const transport = new Transport({ baseUrl: `${baseUrl}/prefix/`, apiKey: 'secret-key-0123456789' });
    const { data, status } = await transport.json('/v1/things', Anything, {
      method: 'POST',
      query: { a: 'x y', b: undefined, c: 3 },
      json: { hello: 'world' },
    });
    expect(status).toBe(200);
    expect(data).toEqual({ ok: true });
    expect(seen).toEqual({
      url: '/prefix/v1/things?a=x+y&c=3',
      auth: 'Bearer secret-key-0123456789',
      type: 'application/json',
      body: '{"hello":"world"}',
    });
  });

  it('turns an error body into a ReelayApiError with its code, message, details and retryability', async () => {
    const baseUrl = await serve((req, res) => {
      const status = Number(req.url?.slice(1));
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: `CODE_${status}`, message: `said ${status}`, details: { field: 'input.ms' } } }));
    });
    const transport = new Transport({ baseUrl });
    const errorFor = (status: number) =>
      transport.json(`/${status}`, Anything).then(
        () => undefined,
        (e: unknown) => e as ReelayApiError,
      );
    const [bad, limited, unavailable, timeout, conflict] = await Promise.all([400, 429, 503, 408, 409].map(errorFor));
    expect(bad).toBeInstanceOf(ReelayApiError);
    expect(bad).toMatchObject({ status: 400, code: 'CODE_400', message: 'said 400', details: { field: 'input.ms' }, retryable: false });
    expect([limited?.retryable, unavailable?.retryable, timeout?.retryable, conflict?.retryable]).toEqual([true, true, true, false]);
  });

  it('derives the code from the status when the error body is not the contract shape', async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
    });
    const err = await new Transport({ baseUrl }).json('/x', Anything).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelayApiError);
    expect(err).toMatchObject({ status: 502, code: 'INTERNAL', message: '<html>Bad Gateway</html>', retryable: false });
  });

  it('rejects a 2xx body that breaks the contract with a ReelayProtocolError', async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":42}');
    });
    const err = await new Transport({ baseUrl }).json('/v1/jobs/x', JobView).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelayProtocolError);
    expect(err).toMatchObject({ code: 'PROTOCOL', retryable: false });
  });

  it('reports a refused connection as a retryable ReelayConnectionError', async () => {
    const baseUrl = await serve(() => {});
    server?.close();
    await new Promise((r) => server?.once('close', r));
    server = undefined;
    const err = await new Transport({ baseUrl }).json('/x', Anything).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelayConnectionError);
    expect(err).toMatchObject({ code: 'NETWORK', retryable: true });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('gives up with CLIENT_TIMEOUT when the server does not answer within timeoutMs', async () => {
    const baseUrl = await serve(() => {
      // Never answers.
    });
    const err = await new Transport({ baseUrl, timeoutMs: 50 }).json('/x', Anything).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReelayConnectionError);
    expect(err).toMatchObject({ code: 'CLIENT_TIMEOUT', retryable: true });
  });

  it("rethrows the caller's abort reason rather than a connection error", async () => {
    const baseUrl = await serve(() => {});
    const controller = new AbortController();
    const pending = new Transport({ baseUrl }).json('/x', Anything, { signal: controller.signal });
    controller.abort(new Error('user pressed ctrl-c'));
    await expect(pending).rejects.toThrow('user pressed ctrl-c');
  });

  it('calls a custom fetch as a plain function, as browsers require', async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const calls: string[] = [];
    const transport = new Transport({
      baseUrl,
      fetch(this: unknown, input, init) {
        calls.push(`${String(input)} this=${this === undefined ? 'undefined' : 'bound'}`);
        return globalThis.fetch(input, init);
      },
    });
    await transport.json('/y', Anything);
    expect(calls).toEqual([`${baseUrl}/y this=undefined`]);
  });
});
