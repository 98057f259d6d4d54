import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../src/webhook-signature.js';
import { type FakeServer, listen, sendJson } from './fake-platforms/fake-http.js';
import { PUBLISHER, type PublisherWorld, startPublisherWorld, WEBHOOK_SECRET } from './publisher-harness.js';

interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('publish.webhook and publish.folder through a publisher process', () => {
  let w: PublisherWorld;
  let receiver: FakeServer;
  const deliveries: Delivery[] = [];
  /** Statuses the receiver answers with, in order; 200 once they run out. */
  const answers: number[] = [];
  let root: string;

  const useWorker = async (env: Record<string, string>) => {
    await Promise.all(w.sys.processes.map((p) => p.kill('SIGKILL')));
    return w.sys.startService(PUBLISHER, { ...w.env, ...env });
  };

  beforeAll(async () => {
    w = await startPublisherWorld();
    root = path.join(w.dir, 'outbox');
    await mkdir(root);
    receiver = await listen((req, res, _url, body) => {
      deliveries.push({ headers: req.headers, body: body.toString() });
      const status = answers.shift() ?? 200;
      sendJson(res, status, status === 200 ? { received: true } : { error: 'try later' });
    });
  });
  afterAll(async () => {
    await receiver.close();
    await w.close();
  });

  it('without PUBLISH_FOLDER_ROOTS a folder publish fails permanently, naming the variable', async () => {
    await useWorker({});
    const video = await w.putVideo(1_000);
    const { job } = await w.sys.client.enqueue({ type: 'publish.folder', input: { artifactId: video.id, directory: root } });
    const failed = await w.sys.waitForStatus(job.id, ['failed']);
    expect(failed.attempts).toBe(1);
    expect(failed.error?.message).toMatch(/PUBLISH_FOLDER_ROOTS/);
    expect(await readdir(root)).toEqual([]);
  });

  it('a webhook to a loopback address, literal or by name, is refused with FORBIDDEN_ADDRESS and never sent', async () => {
    await useWorker({ PUBLISH_FOLDER_ROOTS: root });
    const port = new URL(receiver.origin).port;
    for (const url of [`${receiver.origin}/hook`, `http://localhost:${port}/hook`]) {
      const { job } = await w.sys.client.enqueue({ type: 'publish.webhook', input: { url, account: 'main', payload: { ok: true } } });
      const failed = await w.sys.waitForStatus(job.id, ['failed']);
      expect(failed.error?.code).toBe('FORBIDDEN_ADDRESS');
      expect((await w.sys.client.getDeadLetter(job.id))?.reason).toBe('permanent');
    }
    expect(deliveries).toEqual([]);
  });

  it('a folder publish places the whole file under an allowed root, atomically, and leaves no temp file', async () => {
    const video = await w.putVideo(300_000);
    const target = path.join(root, 'episodes', 'week-1');
    const { job } = await w.sys.client.enqueue({
      type: 'publish.folder',
      input: { artifactId: video.id, directory: target, fileName: 'ep1.mp4' },
    });
    const done = await w.sys.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.result).toEqual({ path: path.join(target, 'ep1.mp4'), bytes: video.size, sha256: video.sha256 });
    expect(await readdir(target)).toEqual(['ep1.mp4']);
    expect((await readFile(path.join(target, 'ep1.mp4'))).length).toBe(video.size);
  });

  it('a folder publish never replaces a different file of the same name unless told to', async () => {
    await writeFile(path.join(root, 'taken.mp4'), 'someone else');
    const video = await w.putVideo(2_000);
    const { job } = await w.sys.client.enqueue({
      type: 'publish.folder',
      input: { artifactId: video.id, directory: root, fileName: 'taken.mp4' },
    });
    const failed = await w.sys.waitForStatus(job.id, ['failed']);
    expect(failed.error?.code).toBe('CONFLICT');
    expect(await readFile(path.join(root, 'taken.mp4'), 'utf8')).toBe('someone else');
    expect((await readdir(root)).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('a folder publish refuses path traversal in the file name and directories outside the roots', async () => {
    const video = await w.putVideo(1_000);
    const attempts = [
      { directory: root, fileName: '../escaped.mp4', code: 'INVALID_INPUT' },
      { directory: path.join(root, '..', 'elsewhere'), code: 'FORBIDDEN_ADDRESS' },
      { directory: w.dir, code: 'FORBIDDEN_ADDRESS' },
    ];
    for (const { code, ...target } of attempts) {
      const { job } = await w.sys.client.enqueue({ type: 'publish.folder', input: { artifactId: video.id, ...target } });
      const failed = await w.sys.waitForStatus(job.id, ['failed']);
      expect(failed.error?.code).toBe(code);
    }
    const outside = await readdir(w.dir);
    expect(outside).not.toContain('escaped.mp4');
    expect(outside).not.toContain('elsewhere');
  });

  it('a webhook delivery carries a signature the receiver verifies; a tampered body fails verification', async () => {
    await useWorker({ PUBLISH_ALLOW_PRIVATE_URLS: 'true' });
    deliveries.length = 0;
    const payload = { jobId: 'j-1', result: { videoId: 'abc', url: 'https://www.youtube.com/watch?v=abc' } };
    const { job } = await w.sys.client.enqueue({
      type: 'publish.webhook',
      input: { url: `${receiver.origin}/hook`, account: 'main', payload },
    });
    const done = await w.sys.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.result).toEqual({ delivered: true, status: 200, deliveryId: job.id });
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries as [Delivery];
    expect(JSON.parse(delivery.body)).toEqual(payload);
    expect(delivery.headers['reelay-delivery']).toBe(job.id);
    const signature = delivery.headers['reelay-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(WEBHOOK_SECRET, signature, delivery.body, 300)).toBe(true);
    expect(verifyWebhookSignature(WEBHOOK_SECRET, signature, delivery.body.replace('abc', 'abd'), 300)).toBe(false);
    expect(verifyWebhookSignature('another-secret-0123456789', signature, delivery.body, 300)).toBe(false);
  });

  it('a webhook receiver answering 503 is retried with backoff until it takes the delivery', async () => {
    deliveries.length = 0;
    answers.push(503);
    const { job } = await w.sys.client.enqueue({
      type: 'publish.webhook',
      input: { url: `${receiver.origin}/hook`, account: 'main', payload: { n: 1 } },
    });
    const done = await w.sys.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(2);
    expect(done.errors[0]?.message).toBe('webhook receiver answered 503: {"error":"try later"}');
    expect(deliveries.map((d) => d.headers['reelay-delivery'])).toEqual([job.id, job.id]);
  });
});
