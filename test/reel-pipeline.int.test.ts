/**
 * The whole product, end to end: nats-server and every service as its own process
 * (gateway, scheduler, ai, render-gpu, publisher), the `reel` preset submitted through
 * the SDK, and what comes out checked from the outside — a real vertical MP4 of the
 * length asked for, with a voice, pictures that change from scene to scene and move
 * within one, thumbnails, the file in the published folder — plus one trace, exported
 * over OTLP by every service, that covers every step. Small (480p, 12 s) to stay quick.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type sdk, service, startGatewayClient, testing, waitForWorkflow } from './workflow-harness.js';

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

function ffprobe(file: string): {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
  format: { duration: number };
} {
  const out = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  const parsed = JSON.parse(out.stdout);
  return { ...parsed, format: { duration: Number(parsed.format.duration) } };
}

/** One frame at `sec`, as 54x96 grey pixels. */
function greyFrame(file: string, sec: number): Buffer {
  const out = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-ss', String(sec), '-i', file, '-frames:v', '1', '-vf', 'scale=54:96,format=gray', '-f', 'rawvideo', '-'],
    {
      maxBuffer: 1 << 20,
    },
  );
  expect(out.status, out.stderr?.toString()).toBe(0);
  expect(out.stdout.length).toBe(54 * 96);
  return out.stdout;
}

/** Mean absolute difference of two grey frames, 0–255. */
function frameDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
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
    system = await testing.startTestSystem({ ackWaitMs: 10_000 });
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url };
    await Promise.all([
      system.startService(service('scheduler'), env, /scheduler ready/),
      system.startService(service('ai'), env, /ai ready/),
      system.startService(service('render-gpu'), env, /render-gpu ready/),
      system.startService(service('publisher'), { ...env, PUBLISH_FOLDER_ROOTS: work }, /publisher ready/),
    ]);
    client = await startGatewayClient(system, { key: KEY, work, env });
  });

  afterAll(async () => {
    await system?.close();
    otlp?.server.close();
  });

  it('a reel preset turns a topic into a published vertical video — a picture per scene in motion, word captions, voice over music, title and outro — in one trace', async () => {
    const targetSeconds = 12;
    const { id } = await client.submitWorkflow({
      preset: 'reel',
      topic: 'why octopuses have three hearts',
      targetSeconds,
      resolution: '480p',
      targets: [{ type: 'folder', dir: publishRoot }],
    });
    const done = await waitForWorkflow(client, id, { timeoutMs: 400_000, intervalMs: 500, what: 'the reel workflow to succeed' });
    const steps = new Map(done.steps.map((s) => [s.id, s]));
    expect([...steps.keys()]).toEqual([
      'script',
      'image-1',
      'image-2',
      'image-3',
      'tts',
      'music',
      'captions',
      'render',
      'thumbnails',
      'optimize-tiktok',
      'publish-1-folder',
    ]);

    // The rendered master: 480x854 H.264 + AAC, within 10% of the length asked for, and the voice is really in it.
    const render = await client.get(steps.get('render')?.jobId as string);
    const rendered = render.result as { artifact: { id: string }; expectedDurationSec: number; bodyStartSec: number };
    const videoFile = join(work, 'reel.mp4');
    await writeFile(videoFile, await (await client.downloadArtifact(rendered.artifact.id)).bytes());
    const probed = ffprobe(videoFile);
    expect(probed.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 480, height: 854 });
    expect(probed.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    expect(Math.abs(probed.format.duration - targetSeconds) / targetSeconds).toBeLessThanOrEqual(0.1);
    expect(meanVolumeDb(videoFile)).toBeGreaterThan(-60);

    // Scenes differ from each other and from the title card, and each still moves (Ken Burns).
    const captions = await client.get(steps.get('captions')?.jobId as string);
    const spans = (captions.result as { scenes: { startSec: number; endSec: number }[]; alignment: { aligned: number } }).scenes;
    expect(spans).toHaveLength(3);
    const at = (scene: number, part: number) =>
      rendered.bodyStartSec + spans[scene]!.startSec + part * (spans[scene]!.endSec - spans[scene]!.startSec);
    const title = greyFrame(videoFile, 0.8);
    const scene1 = greyFrame(videoFile, at(0, 0.5));
    const scene2 = greyFrame(videoFile, at(1, 0.5));
    expect(frameDifference(scene1, scene2)).toBeGreaterThan(8);
    expect(frameDifference(title, scene1)).toBeGreaterThan(8);
    expect(frameDifference(greyFrame(videoFile, at(1, 0.3)), greyFrame(videoFile, at(1, 0.9)))).toBeGreaterThan(1);
    expect((captions.result as { alignment: { aligned: number } }).alignment.aligned).toBeGreaterThan(0);

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
