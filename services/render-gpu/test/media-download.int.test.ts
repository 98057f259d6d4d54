import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip, SERVICE_ENTRY, scratchDir } from './media-fixtures.js';

/** A local HTTP server on 127.0.0.1 plays the outside world; nothing leaves the machine. */
describe('media.download', () => {
  let dir: string;
  let clip: Buffer;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = await scratchDir();
    clip = await readFile(await makeClip(path.join(dir, 'clip.mp4'), { width: 160, height: 90, seconds: 1 }));
    server = createServer((req, res) => {
      if (req.url === '/media/clip.mp4') {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length });
        res.end(clip);
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/media/clip.mp4' });
        res.end();
      } else if (req.url === '/chunked') {
        // No Content-Length: the size limit must hold while streaming.
        res.writeHead(200, { 'content-type': 'video/mp4' });
        res.end(clip);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('with private addresses allowed', () => {
    let system: TestSystem;
    beforeAll(async () => {
      system = await startTestSystem();
      await system.startService(SERVICE_ENTRY, { MEDIA_DOWNLOAD_ALLOW_PRIVATE: 'true', MEDIA_CONCURRENCY: '2' });
    });
    afterAll(() => system?.close());

    it('fetches a URL through a redirect into the artifact store, byte for byte', async () => {
      const { job } = await system.client.enqueue({ type: 'media.download', input: { url: `${base}/moved` } });
      const done = await system.waitForStatus(job.id, ['succeeded', 'failed']);
      expect(done.status).toBe('succeeded');
      const result = done.result as any;
      expect(result.finalUrl).toBe(`${base}/media/clip.mp4`);
      expect(result.contentType).toBe('video/mp4');
      expect(result.artifact).toMatchObject({ name: 'clip.mp4', size: clip.length });
      const stored = path.join(dir, 'stored.mp4');
      await system.artifacts.getToFile(result.artifact.id, stored);
      const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(digest(await readFile(stored))).toBe(digest(clip));
    });

    it('refuses a body over maxBytes permanently, declared or streamed', async () => {
      for (const url of [`${base}/media/clip.mp4`, `${base}/chunked`]) {
        const { job } = await system.client.enqueue({ type: 'media.download', input: { url, maxBytes: 1000 } });
        const failed = await system.waitForStatus(job.id, ['failed', 'succeeded']);
        expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
        expect(failed.error?.message).toMatch(/1000-byte limit/);
      }
    });

    it('a 404 is permanent, as the provider said', async () => {
      const { job } = await system.client.enqueue({ type: 'media.download', input: { url: `${base}/missing.mp4` } });
      const failed = await system.waitForStatus(job.id, ['failed', 'succeeded']);
      expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
      expect(failed.error).toMatchObject({ code: 'PROVIDER_ERROR', message: expect.stringContaining('HTTP 404') });
    });
  });

  describe('with private addresses refused (the default)', () => {
    let system: TestSystem;
    beforeAll(async () => {
      system = await startTestSystem();
      await system.startService(SERVICE_ENTRY, { MEDIA_CONCURRENCY: '2' });
    });
    afterAll(() => system?.close());

    it('refuses 127.0.0.1 and a name that resolves to loopback as permanent FORBIDDEN_ADDRESS, in the DLQ', async () => {
      const port = (server.address() as AddressInfo).port;
      for (const url of [`${base}/media/clip.mp4`, `http://localhost:${port}/media/clip.mp4`]) {
        const { job } = await system.client.enqueue({ type: 'media.download', input: { url } });
        const failed = await system.waitForStatus(job.id, ['failed', 'succeeded']);
        expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
        expect(failed.error).toMatchObject({ code: 'FORBIDDEN_ADDRESS', retryable: false });
        const dead = await waitUntil(() => system.client.getDeadLetter(job.id), { what: 'dead letter' });
        expect(dead.reason).toBe('permanent');
      }
    });
  });
});
