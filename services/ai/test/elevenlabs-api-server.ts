/**
 * What every local ElevenLabs endpoint in these tests shares: a server on 127.0.0.1 and a
 * free port that reads the request, answers ElevenLabs-shaped errors
 * ({detail: {status, message}}) — 404 for any other route, 401 for a wrong `xi-api-key`,
 * 400 for a body that is not JSON — and hands the rest to one route's handler.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ElevenLabsCall {
  url: URL;
  /** The route pattern's match against the path. */
  match: RegExpExecArray;
  body: any;
  res: ServerResponse;
  fail(status: number, code: string, message: string): void;
}

export interface ElevenLabsApiServer {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startElevenLabsApi(
  options: { apiKey: string; route: RegExp },
  handle: (call: ElevenLabsCall) => void | Promise<void>,
): Promise<ElevenLabsApiServer> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fail = (status: number, code: string, message: string) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: { status: code, message } }));
    const match = options.route.exec(url.pathname);
    if (req.method !== 'POST' || !match) return fail(404, 'not_found', 'Not Found');
    if (req.headers['xi-api-key'] !== options.apiKey) return fail(401, 'invalid_api_key', 'Invalid API key');
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      return fail(400, 'invalid_json', 'Invalid JSON body');
    }
    await handle({ url, match, body, res, fail });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
