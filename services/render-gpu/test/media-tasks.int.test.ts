import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { JobRecord } from '@reelay/contracts';
import { startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ffprobe,
  greyFrame,
  makeClip,
  makeSrt,
  makeStill,
  makeTone,
  meanDifference,
  SERVICE_ENTRY,
  scratchDir,
  topLevelBoxes,
} from './media-fixtures.js';
import { toMediaInfo } from '../src/ffmpeg/probe-result.js';

/** Every media task through a real render-gpu process, a real nats-server and real ffmpeg. */
describe('render-gpu media tasks', () => {
  let system: TestSystem;
  let dir: string;
  const ids: Record<string, string> = {};

  async function run(type: string, input: unknown): Promise<JobRecord> {
    const { job } = await system.client.enqueue({ type, input });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 110_000);
    if (done.status !== 'succeeded') throw new Error(`${type} ${done.status}: ${JSON.stringify(done.error)}`);
    return done;
  }
  async function download(artifactId: string, name: string): Promise<string> {
    const file = path.join(dir, name);
    await system.artifacts.getToFile(artifactId, file);
    return file;
  }

  beforeAll(async () => {
    system = await startTestSystem();
    await system.startService(SERVICE_ENTRY, { MEDIA_CONCURRENCY: '2', MEDIA_STALL_TIMEOUT_MS: '30000' });
    dir = await scratchDir();
    const upload = async (key: string, file: string) => {
      ids[key] = (await system.artifacts.putFile(file, { project: 'default' })).id;
    };
    await Promise.all([
      makeClip(path.join(dir, 'clip.mp4'), { width: 320, height: 180, seconds: 2 }).then((f) => upload('clip', f)),
      makeStill(path.join(dir, 'still.png'), 'red', 320, 240).then((f) => upload('still', f)),
      makeTone(path.join(dir, 'voice.wav'), 300, 2).then((f) => upload('voice', f)),
      makeTone(path.join(dir, 'music.wav'), 880, 1.2).then((f) => upload('music', f)),
      makeSrt(path.join(dir, 'subs.srt'), [{ from: '00:00:00,000', to: '00:00:10,000', text: 'HELLO REELAY' }]).then((f) =>
        upload('subs', f),
      ),
    ]);
  });
  afterAll(async () => {
    await system?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('probe reports the duration, streams and format of the generated clip', async () => {
    const job = await run('media.probe', { artifactId: ids.clip });
    const info = job.result as any;
    expect(info.format).toContain('mp4');
    expect(info.durationSec).toBeCloseTo(2, 1);
    const video = info.streams.find((s: any) => s.type === 'video');
    const audio = info.streams.find((s: any) => s.type === 'audio');
    expect(video).toMatchObject({ codec: 'h264', width: 320, height: 180, fps: 30 });
    expect(audio).toMatchObject({ codec: 'aac', sampleRate: 44100, channels: 1 });
    expect(info.sizeBytes).toBeGreaterThan(0);
    expect(info.bitRate).toBeGreaterThan(0);
  });

  it('transcode to VP9 + Opus in WebM at a new size yields exactly that', async () => {
    const job = await run('media.transcode', {
      artifactId: ids.clip,
      container: 'webm',
      videoCodec: 'vp9',
      audioCodec: 'opus',
      width: 160,
      crf: 40,
      preset: 'ultrafast',
    });
    const result = job.result as any;
    expect(result.encoder).toBe('libvpx-vp9');
    expect(result.artifact.contentType).toBe('video/webm');
    const probed = await ffprobe(await download(result.artifact.id, 'out.webm'));
    expect(probed.format.format_name).toContain('webm');
    expect(probed.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([
      ['video', 'vp9'],
      ['audio', 'opus'],
    ]);
    expect(probed.streams[0]).toMatchObject({ width: 160, height: 90 });
    expect(Number(probed.format.duration)).toBeCloseTo(2, 1);
  });

  it('transcode to H.265 without audio in MP4 drops the audio stream and tags hvc1', async () => {
    const job = await run('media.transcode', {
      artifactId: ids.clip,
      videoCodec: 'h265',
      audioCodec: 'none',
      preset: 'ultrafast',
      fps: 15,
    });
    const probed = await ffprobe(await download((job.result as any).artifact.id, 'out-h265.mp4'));
    expect(probed.streams).toHaveLength(1);
    expect(probed.streams[0]).toMatchObject({ codec_type: 'video', codec_name: 'hevc', width: 320, height: 180, avg_frame_rate: '15/1' });
  });

  it('thumbnails: evenly spaced JPEG frames and a contact sheet tiling them', async () => {
    const job = await run('media.thumbnails', { artifactId: ids.clip, count: 3, width: 160, contactSheet: { columns: 2 } });
    const result = job.result as any;
    expect(result.thumbnails.map((t: any) => t.timeSec)).toEqual([0.333, 1, 1.667]);
    expect([result.width, result.height]).toEqual([160, 90]);
    for (const [i, t] of result.thumbnails.entries()) {
      const probed = await ffprobe(await download(t.artifact.id, `thumb-${i}.jpg`));
      expect(probed.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 160, height: 90 });
    }
    // 2 columns × 2 rows of 160×90 with 4 px padding and margin.
    const sheet = await ffprobe(await download(result.contactSheet.id, 'sheet.jpg'));
    expect(sheet.streams[0]).toMatchObject({ width: 2 * 160 + 4 + 8, height: 2 * 90 + 4 + 8 });
  });

  it('thumbnails at given times as WebP', async () => {
    const job = await run('media.thumbnails', { artifactId: ids.clip, times: [0.5, 1.5], format: 'webp' });
    const result = job.result as any;
    expect(result.thumbnails).toHaveLength(2);
    const probed = await ffprobe(await download(result.thumbnails[1].artifact.id, 'thumb.webp'));
    expect(probed.streams[0]).toMatchObject({ codec_name: 'webp', width: 320, height: 180 });
  });

  it('optimize for TikTok crops a landscape clip to 1080x1920 H.264/AAC with the moov atom first', async () => {
    const job = await run('media.optimize', { artifactId: ids.clip, platform: 'tiktok', preset: 'ultrafast' });
    const result = job.result as any;
    expect(result.truncated).toBe(false);
    const file = await download(result.artifact.id, 'tiktok.mp4');
    const probed = await ffprobe(file);
    expect(probed.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([
      ['video', 'h264'],
      ['audio', 'aac'],
    ]);
    expect(probed.streams[0]).toMatchObject({ width: 1080, height: 1920 });
    expect(probed.streams[1]).toMatchObject({ sample_rate: '48000', channels: 2 });
    const boxes = topLevelBoxes(await readFile(file));
    expect(boxes.indexOf('moov')).toBeGreaterThanOrEqual(0);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
  });

  describe('render', () => {
    const scenes = () => [
      { artifactId: ids.clip, inSec: 0.5, outSec: 2 },
      { artifactId: ids.still, kind: 'image', durationSec: 1.5, fit: 'contain', transition: { type: 'circleopen', durationSec: 0.5 } },
      { artifactId: ids.clip, durationSec: 1 },
    ];
    const base = () => ({
      scenes: scenes(),
      voice: { artifactId: ids.voice },
      music: { artifactId: ids.music, volume: 0.4 },
      width: 180,
      height: 320,
      fps: 30,
      preset: 'ultrafast',
    });
    let withSubs: string;
    let expected: number;

    it('joins a clip, a still and a clip with a transition, voice and looped ducked music, to the planned length', async () => {
      const job = await run('media.render', {
        ...base(),
        subtitles: { artifactId: ids.subs, style: { fontSizePx: 40, colour: '#FFFF00', position: 'bottom', marginPx: 20 } },
      });
      const result = job.result as any;
      // 1.5 + 1.5 + 1.0 − 0.5 (the transition overlap)
      expected = result.expectedDurationSec;
      expect(expected).toBeCloseTo(3.5, 6);
      withSubs = await download(result.artifact.id, 'reel-subs.mp4');
      const probed = await ffprobe(withSubs);
      const [video, audio] = probed.streams;
      expect(probed.streams).toHaveLength(2);
      expect(video).toMatchObject({ codec_type: 'video', codec_name: 'h264', width: 180, height: 320, avg_frame_rate: '30/1' });
      expect(audio).toMatchObject({ codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2 });
      expect(Math.abs(Number(video?.duration) - expected)).toBeLessThanOrEqual(1 / 30 + 1e-3);
      expect(Math.abs(Number(audio?.duration) - expected)).toBeLessThanOrEqual(1 / 30 + 1024 / 48000 + 1e-3);
      // The job's result is read from the output's index, with no ffprobe run: it says what ffprobe says.
      expect(result.info).toEqual(toMediaInfo(probed));
    });

    it('burns subtitles in: the subtitle band differs from the same reel rendered without them, the top does not', async () => {
      const job = await run('media.render', base());
      const plain = await download((job.result as any).artifact.id, 'reel-plain.mp4');
      expect((job.result as any).expectedDurationSec).toBe(expected);
      // Inside the last scene (a clip), where only the subtitle tells the two apart.
      const [a, b] = await Promise.all([greyFrame(withSubs, 3.2), greyFrame(plain, 3.2)]);
      expect(a.length).toBe(180 * 320);
      const bottom = meanDifference(a, b, 180, 240, 320);
      const top = meanDifference(a, b, 180, 0, 80);
      expect(bottom).toBeGreaterThan(5);
      expect(bottom).toBeGreaterThan(top * 5);
    });

    it('an image scene without a duration is refused at enqueue', async () => {
      await expect(
        system.client.enqueue({ type: 'media.render', input: { scenes: [{ artifactId: ids.still, kind: 'image' }] } }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('image scene needs durationSec') });
    });

    it('a transition longer than the scene before it fails permanently as INVALID_INPUT', async () => {
      const { job } = await system.client.enqueue({
        type: 'media.render',
        input: {
          scenes: [
            { artifactId: ids.clip, durationSec: 0.5 },
            { artifactId: ids.still, kind: 'image', durationSec: 2, transition: { type: 'fade', durationSec: 1 } },
          ],
          width: 180,
          height: 320,
          preset: 'ultrafast',
        },
      });
      const failed = await system.waitForStatus(job.id, ['failed']);
      expect(failed.attempts).toBe(1);
      expect(failed.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('transition must be shorter') });
    });
  });
});
