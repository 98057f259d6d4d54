import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ProviderHttp } from '@reelay/ai-providers';
import { ErrorCode } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadResultFile } from './result-file-download.js';

const KEY = 'sk-result-file-secret';
const http = new ProviderHttp({ name: 'file-host', baseUrl: 'http://127.0.0.1:1', apiKey: KEY, auth: 'bearer', timeoutMs: 5_000 });
const signal = { signal: new AbortController().signal };

describe('downloadResultFile', () => {
  let server: Server;
  let base: string;
  let dir: string;
  const picture = Buffer.alloc(3 * 1024 * 1024, 7);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'result-file-'));
    server = createServer((req, res) => {
      if (req.url === '/picture.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(picture);
      if (req.url === '/expired') return void res.writeHead(403).end('<Error>Request has expired</Error>');
      // Headers, then the connection drops halfway through the body.
      res.writeHead(200, { 'content-length': String(picture.length) }).write(picture.subarray(0, 1000), () => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  /** Fetches `${base}/${route}` into the scratch directory; resolves to what it threw, if anything. */
  const fetchInto = (route: string, what: string, ctx: { signal: AbortSignal } = signal) =>
    downloadResultFile({ http, url: `${base}/${route}`, file: path.join(dir, route), ctx, timeoutMs: 5_000, what }).then(
      () => undefined,
      (e: unknown) => e,
    );

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the whole body to the file', async () => {
    expect(await fetchInto('picture.png', 'the image URL')).toBeUndefined();
    expect((await readFile(path.join(dir, 'picture.png'))).equals(picture)).toBe(true);
  });

  it("a refused URL is the provider's retryable PROVIDER_ERROR, naming what was fetched", async () => {
    const err = await fetchInto('expired', 'the result URL');
    expect(err).toMatchObject({ code: ErrorCode.PROVIDER_ERROR, retryable: true, message: 'file-host: the result URL answered 403' });
    await expect(stat(path.join(dir, 'expired'))).rejects.toThrow();
  });

  it('a body cut off mid-way is a retryable PROVIDER_ERROR, not an unclassified stream error', async () => {
    const err = await fetchInto('cut', 'the image URL');
    expect(err).toMatchObject({ code: ErrorCode.PROVIDER_ERROR, retryable: true });
    expect(String((err as Error).message)).toContain('file-host request failed');
  });

  it("a cancelled job's abort reason comes back as it is", async () => {
    const controller = new AbortController();
    const reason = new Error('job cancelled');
    controller.abort(reason);
    expect(await fetchInto('picture.png', 'the image URL', controller)).toBe(reason);
  });
});
