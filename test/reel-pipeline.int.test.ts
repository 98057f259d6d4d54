/**
 * The whole product, end to end: nats-server and every service as its own process
 * (gateway, scheduler, ai, render-gpu, publisher), the `reel` preset submitted through
 * the SDK, and what comes out checked from the outside — a real vertical MP4 with a
 * voice, thumbnails, the file in the published folder — plus one trace, exported over
 * OTLP by every service, that covers every step.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const service = (name: string) => join(root, 'services', name, 'dist/main.js');

// The root package depends on no workspace package: load them as a service would.
const fromScheduler = createRequire(join(root, 'services/scheduler/package.json'));
const testing = (await import(
  pathToFileURL(fromScheduler.resolve('@reelay/runtime/testing')).href
)) as typeof import('@reelay/runtime/testing');
const fromSdk = createRequire(join(root, 'packages/sdk/package.json'));
const sdk = (await import(pathToFileURL(fromSdk.resolve('@reelay/sdk')).href)) as typeof import('@reelay/sdk');

const KEY = 'reel-pipeline-key-0123456789';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  service: string;
  attributes: Record<string, string | undefined>;
}

/** A minimal OTLP/HTTP JSON receiver (what Jaeger's 4318 port accepts), keeping each span's service.name. */
function startOtlpReceiver(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  type Attr = { key: string; value: { stringValue?: string; intValue?: string } };
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parsed = JSON.parse(body) as {
        resourceSpans: {
          resource?: { attributes: Attr[] };
          scopeSpans: { spans: (Omit<OtlpSpan, 'service' | 'attributes'> & { attributes: Attr[] })[] }[];
        }[];
      };
      const flat = (attrs: Attr[] = []) => Object.fromEntries(attrs.map((a) => [a.key, a.value.stringValue ?? a.value.intValue]));
      for (const rs of parsed.resourceSpans) {
        const serviceName = flat(rs.resource?.attributes)['service.name'] ?? '';
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) spans.push({ ...s, service: serviceName, attributes: flat(s.attributes) });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans })),
  );
}

function ffprobe(file: string): { streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] } {
  const out = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return JSON.parse(out.stdout);
}

/** ffmpeg's volumedetect mean volume of the audio track, in dB (-91 is digital silence). */
function meanVolumeDb(file: string): number {
  const out = spawnSync('ffmpeg', ['-hide_banner', '-i', file, '-map', '0:a:0', '-af', 'volumedetect', '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  const match = out.stderr.match(/mean_volume: (-?[\d.]+) dB/);
  expect(match, out.stderr.slice(-2000)).not.toBeNull();
  return Number(match?.[1]);
}

describe('the reel pipeline', () => {
  let system: Awaited<ReturnType<typeof testing.startTestSystem>>;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let client: InstanceType<typeof sdk.ReelayClient>;
  let work: string;
  let publishRoot: string;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    work = await mkdtemp(join(os.tmpdir(), 'reel-pipeline-'));
    publishRoot = join(work, 'published');
    const keysFile = join(work, 'keys.json');
    await writeFile(keysFile, JSON.stringify([{ key: KEY, scopes: ['jobs:write', 'jobs:read', 'admin'], projects: ['*'] }]));
    system = await testing.startTestSystem({ ackWaitMs: 10_000 });
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url };
    await Promise.all([
      system.startService(service('scheduler'), env, /scheduler ready/),
      system.startService(service('ai'), env, /ai ready/),
      system.startService(service('render-gpu'), env, /render-gpu ready/),
      system.startService(service('publisher'), { ...env, PUBLISH_FOLDER_ROOTS: work }, /publisher ready/),
    ]);
    const gateway = await system.startService(
      service('gateway'),
      { ...env, PORT: '0', REELAY_API_KEYS_FILE: keysFile },
      /gateway ready on/,
    );
    const url = gateway.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '';
    client = sdk.createClient({ baseUrl: url, apiKey: KEY });
  });

  afterAll(async () => {
    await system?.close();
    otlp?.server.close();
  });

  it('a reel preset turns a topic into a published vertical video with captions, voice and thumbnails, in one trace', async () => {
    const { id } = await client.submitWorkflow({
      preset: 'reel',
      topic: 'why octopuses have three hearts',
      targetSeconds: 10,
      targets: [{ type: 'folder', dir: publishRoot }],
    });
    const done = await testing
      .waitUntil(
        async () => {
          const v = await client.getWorkflow(id);
          if (v.status === 'failed' || v.status === 'cancelled')
            throw new Error(`workflow ${v.status}: ${JSON.stringify(v.steps, null, 1)}`);
          return v.status === 'succeeded' ? v : undefined;
        },
        { timeoutMs: 400_000, intervalMs: 500, what: 'the reel workflow to succeed' },
      )
      .catch(async (err) => {
        throw new Error(`${err}\n${JSON.stringify(await client.getWorkflow(id), null, 1).slice(0, 6000)}`);
      });
    const steps = new Map(done.steps.map((s) => [s.id, s]));
    expect([...steps.keys()]).toEqual(['script', 'tts', 'captions', 'render', 'thumbnails', 'optimize-tiktok', 'publish-1-folder']);

    // The rendered master: 1080x1920 H.264 + AAC, and the voice is really in it.
    const render = await client.get(steps.get('render')?.jobId as string);
    const videoFile = join(work, 'reel.mp4');
    await writeFile(videoFile, await (await client.downloadArtifact((render.result as { artifact: { id: string } }).artifact.id)).bytes());
    const streams = ffprobe(videoFile).streams;
    expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 1080, height: 1920 });
    expect(streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    expect(meanVolumeDb(videoFile)).toBeGreaterThan(-60);

    const thumbnails = await client.get(steps.get('thumbnails')?.jobId as string);
    const frames = (thumbnails.result as { thumbnails: { artifact: { id: string } }[] }).thumbnails;
    expect(frames).toHaveLength(3);
    for (const frame of frames) {
      const image = await (await client.downloadArtifact(frame.artifact.id)).bytes();
      expect([...image.slice(0, 3)]).toEqual([0xff, 0xd8, 0xff]); // JPEG
    }

    // The folder target received the platform cut.
    const published = await client.get(steps.get('publish-1-folder')?.jobId as string);
    const publishedPath = (published.result as { path: string }).path;
    expect(publishedPath.startsWith(publishRoot)).toBe(true);
    expect((await stat(publishedPath)).size).toBeGreaterThan(10_000);
    expect(ffprobe(publishedPath).streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 1080, height: 1920 });
    expect((await readFile(publishedPath)).subarray(4, 8).toString('latin1')).toBe('ftyp');

    // One trace: every step's processing span, from every service, under the workflow's trace id.
    const jobIds = done.steps.map((s) => s.jobId as string);
    const inTrace = await testing.waitUntil(
      () => {
        const spans = otlp.spans.filter((s) => s.traceId === done.traceId);
        const processed = new Set(spans.filter((s) => s.name.startsWith('process ')).map((s) => s.attributes['reelay.job.id']));
        return jobIds.every((j) => processed.has(j)) ? spans : undefined;
      },
      { timeoutMs: 30_000, what: 'a process span for every step in the workflow trace' },
    );
    expect(new Set(inTrace.map((s) => s.service))).toEqual(new Set(['gateway', 'scheduler', 'ai', 'render-gpu', 'publisher']));
    const jobs = await Promise.all(jobIds.map((j) => client.get(j)));
    expect(new Set(jobs.map((j) => j.traceId))).toEqual(new Set([done.traceId]));
  }, 480_000);
});
