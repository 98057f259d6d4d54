/**
 * The `ai-video` preset through the real services (nats-server, gateway, scheduler, ai,
 * render-gpu, each its own process), submitted through the SDK: script → a picture per
 * scene → voice and music → animated scenes with title and outro → video, then its
 * thumbnail. What comes out is checked from the outside with ffprobe and ffmpeg.
 * As small as the preset allows (its 10 s minimum, 480p, one thumbnail, no publish
 * target, so no publisher) to keep CI quick; the reel pipeline test covers publishing
 * and tracing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type sdk, service, startGatewayClient, testing, waitForWorkflow } from './workflow-harness.js';

const KEY = 'ai-video-pipeline-key-0123456789';

interface Probed {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number; duration?: string }[];
  format: { duration: string; format_name: string };
}

function ffprobe(file: string): Probed {
  const out = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return JSON.parse(out.stdout) as Probed;
}

/** ffmpeg's volumedetect over `seconds` of the audio from `from`, in dB (-91 is digital silence). */
function meanVolumeDb(file: string, from = 0, seconds = 600): number {
  const out = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-ss', String(from), '-t', String(seconds), '-i', file, '-map', '0:a:0', '-af', 'volumedetect', '-f', 'null', '-'],
    { encoding: 'utf8' },
  );
  const match = out.stderr.match(/mean_volume: (-?[\d.]+) dB/);
  expect(match, out.stderr.slice(-2000)).not.toBeNull();
  return Number(match?.[1]);
}

describe('the ai-video pipeline', () => {
  let system: Awaited<ReturnType<typeof testing.startTestSystem>>;
  let client: InstanceType<typeof sdk.ReelayClient>;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(os.tmpdir(), 'ai-video-pipeline-'));
    system = await testing.startTestSystem({ ackWaitMs: 10_000 });
    await Promise.all([
      system.startService(service('scheduler'), {}, /scheduler ready/),
      system.startService(service('ai'), {}, /ai ready/),
      system.startService(service('render-gpu'), {}, /render-gpu ready/),
    ]);
    client = await startGatewayClient(system, { key: KEY, work });
  });

  afterAll(async () => {
    await system?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('an ai-video preset turns a topic into a landscape narrated video — a picture per scene, voice over music, title and outro — and its thumbnail', async () => {
    const targetSeconds = 10;
    const { id } = await client.submitWorkflow({
      preset: 'ai-video',
      topic: 'how bees find their way home',
      targetSeconds,
      resolution: '480p',
      thumbnails: 1,
    });
    const done = await waitForWorkflow(client, id, { timeoutMs: 400_000, intervalMs: 500, what: 'the ai-video workflow to succeed' });
    const steps = new Map(done.steps.map((s) => [s.id, s]));
    expect([...steps.keys()]).toEqual(['script', 'image-1', 'image-2', 'image-3', 'tts', 'music', 'captions', 'render', 'thumbnails']);

    // The video: 854x480 H.264 + AAC in MP4, within 10% of the length asked for, sound all through.
    const render = await client.get(steps.get('render')?.jobId as string);
    const rendered = render.result as { artifact: { id: string; name: string }; expectedDurationSec: number; bodyStartSec: number };
    expect(rendered.artifact.name).toBe('video.mp4');
    const videoFile = join(work, 'video.mp4');
    await writeFile(videoFile, await (await client.downloadArtifact(rendered.artifact.id)).bytes());
    const probed = ffprobe(videoFile);
    expect(probed.format.format_name).toContain('mp4');
    expect(probed.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 854, height: 480 });
    expect(probed.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    const duration = Number(probed.format.duration);
    expect(Math.abs(duration - targetSeconds) / targetSeconds).toBeLessThanOrEqual(0.1);
    expect(Math.abs(duration - rendered.expectedDurationSec)).toBeLessThan(0.1);
    // Music alone under the title card, voice over it after: neither stretch is silent.
    expect(meanVolumeDb(videoFile, 0.2, rendered.bodyStartSec - 0.4)).toBeGreaterThan(-60);
    expect(meanVolumeDb(videoFile, rendered.bodyStartSec, 3)).toBeGreaterThan(-60);

    // Each scene's picture is its own ai.image picture, drawn at the video's size.
    for (const i of [1, 2, 3]) {
      const image = await client.get(steps.get(`image-${i}`)?.jobId as string);
      const picture = join(work, `scene-${i}.png`);
      await writeFile(picture, await (await client.downloadArtifact((image.result as { image: { id: string } }).image.id)).bytes());
      expect(ffprobe(picture).streams[0]).toMatchObject({ codec_name: 'png', width: 854, height: 480 });
    }

    const thumbnails = await client.get(steps.get('thumbnails')?.jobId as string);
    const frames = (thumbnails.result as { thumbnails: { artifact: { id: string } }[] }).thumbnails;
    expect(frames).toHaveLength(1);
    const jpeg = await (await client.downloadArtifact(frames[0]!.artifact.id)).bytes();
    expect([...jpeg.slice(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  }, 480_000);
});
