import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { JobRecord } from '@reelay/contracts';
import { type ServiceProcess, startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moovBeforeMdat } from '../src/ffmpeg/streamable-input.js';
import {
  ffmpeg,
  ffprobe,
  makeClip,
  SERVICE_ENTRY,
  scratchDir,
  makeTone,
  topLevelBoxes,
  withTracksOneAfterAnother,
} from './media-fixtures.js';

/**
 * Inputs read from the store while ffmpeg works (issue 14 item 8): an MP4 whose index
 * comes first is downloaded as the encode starts and followed by ffmpeg as it grows,
 * another streamable container (Matroska) is served by the worker's local input server,
 * one with its index at the end is downloaded first, and an input URL dies with its job.
 */
describe('media inputs streamed from the artifact store', () => {
  let system: TestSystem;
  let worker: ServiceProcess;
  let dir: string;
  const ids: Record<string, string> = {};

  async function run(type: string, input: unknown): Promise<JobRecord> {
    const { job } = await system.client.enqueue({ type, input });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 110_000);
    if (done.status !== 'succeeded') throw new Error(`${type} ${done.status}: ${JSON.stringify(done.error)}`);
    return done;
  }
  const transcode = (artifactId: string | undefined) =>
    run('media.transcode', { artifactId, videoCodec: 'h264', audioCodec: 'aac', crf: 30, preset: 'ultrafast' });
  /** The worker's JSON log lines for one job. */
  function jobLog(jobId: string): Record<string, unknown>[] {
    return worker
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes(jobId))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  beforeAll(async () => {
    system = await startTestSystem();
    worker = await system.startService(SERVICE_ENTRY, { MEDIA_CONCURRENCY: '1', LOG_LEVEL: 'debug' });
    dir = await scratchDir();
    const tail = await makeClip(path.join(dir, 'tail-index.mp4'), { width: 320, height: 180, seconds: 2 });
    const front = path.join(dir, 'front-index.mp4');
    await ffmpeg(['-i', tail, '-c', 'copy', '-movflags', '+faststart', front]);
    // Index first, but all its sound after all its picture: ffmpeg must seek in it.
    const apart = path.join(dir, 'tracks-apart.mp4');
    await writeFile(apart, withTracksOneAfterAnother(await readFile(front)));
    const music = await makeTone(path.join(dir, 'music.wav'), 330, 3);
    // The same picture and sound in Matroska: streamable, but not an MP4 index to follow by.
    const mkv = path.join(dir, 'clip.mkv');
    await ffmpeg(['-i', front, '-c', 'copy', mkv]);
    for (const [key, file] of Object.entries({ tail, front, apart, music, mkv }))
      ids[key] = (await system.artifacts.putFile(file, { project: 'default' })).id;
  });
  afterAll(async () => {
    await system?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('tells an MP4 with its index up front from one with its index at the end', async () => {
    const tail = await readFile(path.join(dir, 'tail-index.mp4'));
    const front = await readFile(path.join(dir, 'front-index.mp4'));
    expect(topLevelBoxes(tail).indexOf('mdat')).toBeLessThan(topLevelBoxes(tail).indexOf('moov'));
    expect(moovBeforeMdat(tail.subarray(0, 64 * 1024))).toBe(false);
    expect(moovBeforeMdat(front.subarray(0, 64 * 1024))).toBe(true);
    // A head cut before either box says nothing.
    expect(moovBeforeMdat(front.subarray(0, 20))).toBeUndefined();
  });

  /** The worker's ffmpeg command for a job, and the options its first input was given. */
  function encodeOf(jobId: string) {
    const started = jobLog(jobId).find((l) => l.msg === 'ffmpeg starting') as { args: string[] } | undefined;
    const args = started?.args ?? [];
    const at = args.indexOf('-i');
    return { args, input: args[at + 1], options: args.slice(args.indexOf('-nostats') + 1, at) };
  }

  it('transcodes a faststart MP4 from a download ffmpeg follows as it arrives, into a whole output', async () => {
    const done = await transcode(ids.front);
    const log = jobLog(done.id);
    // Known from its index in the store: no ffprobe run for the source.
    expect(log.find((l) => l.msg === 'source read from its index')).toMatchObject({
      artifactId: ids.front,
      durationSec: expect.closeTo(2, 1),
    });
    // A local file, still being written as ffmpeg starts on it: read with the file protocol's follow.
    const encode = encodeOf(done.id);
    expect(encode.input).toBe('source.mp4');
    expect(encode.options).toEqual(['-follow', '1', '-rw_timeout', expect.stringMatching(/^\d+$/)]);
    expect(encode.args.some((a) => a.startsWith('http:'))).toBe(false);
    expect(log.find((l) => l.msg === 'input downloaded')).toMatchObject({ artifactId: ids.front, followed: true });
    const result = done.result as { artifact: { id: string }; info: { durationSec: number } };
    expect(result.info.durationSec).toBeGreaterThan(1.9);
    const out = path.join(dir, 'out-front.mp4');
    await system.artifacts.getToFile(result.artifact.id, out);
    const probed = await ffprobe(out);
    expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(Number(probed.format.duration)).toBeGreaterThan(1.9);
    expect(Number(probed.streams.find((s) => s.codec_type === 'audio')?.duration)).toBeGreaterThan(1.9);
  });

  it('transcodes a faststart MP4 whose tracks lie one after the other from a followed download too: ffmpeg seeks in it as in any file', async () => {
    const done = await transcode(ids.apart);
    const encode = encodeOf(done.id);
    expect(encode.input).toBe('source.mp4');
    expect(encode.options.slice(0, 2)).toEqual(['-follow', '1']);
    const result = done.result as { info: { durationSec: number; streams: { type: string; durationSec?: number }[] } };
    expect(result.info.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
    expect(result.info.streams.every((s) => (s.durationSec ?? 0) > 1.9)).toBe(true);
  });

  it('transcodes a Matroska source over the input server as ffmpeg reads it, not followed; its URL dies with the job', async () => {
    const done = await transcode(ids.mkv);
    const log = jobLog(done.id);
    expect(log.find((l) => l.msg === 'input streamed from the store')).toMatchObject({ artifactId: ids.mkv, streamed: true });
    const encode = encodeOf(done.id);
    expect(encode.options).toEqual([]);
    expect(encode.input).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/source\.mkv$/);
    const result = done.result as { info: { streams: { type: string; durationSec?: number }[] } };
    expect(result.info.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
    expect(result.info.streams.every((s) => (s.durationSec ?? 0) > 1.9)).toBe(true);
    // The job is over, its temp directory gone: the token no longer reads anything.
    expect((await fetch(encode.input ?? '')).status).toBe(404);
  });

  it('optimizes a faststart H.264/AAC MP4 known from its index, from a download ffmpeg follows as it arrives', async () => {
    const done = await run('media.optimize', { artifactId: ids.front, platform: 'tiktok', preset: 'ultrafast' });
    expect(jobLog(done.id).find((l) => l.msg === 'source read from its index')).toMatchObject({
      artifactId: ids.front,
      durationSec: expect.closeTo(2, 1),
    });
    const encode = encodeOf(done.id);
    expect(encode.input).toBe('source.mp4');
    expect(encode.options.slice(0, 2)).toEqual(['-follow', '1']);
    const result = done.result as {
      info: { width?: number; streams: { type: string; width?: number; height?: number; durationSec?: number }[] };
    };
    const video = result.info.streams.find((s) => s.type === 'video');
    expect([video?.width, video?.height]).toEqual([1080, 1920]);
    expect(result.info.streams.every((s) => (s.durationSec ?? 0) > 1.9)).toBe(true);
  });

  it('renders from a faststart clip known by its index, without probing it: two scenes from it, to the planned length', async () => {
    const done = await run('media.render', {
      scenes: [
        { artifactId: ids.front, inSec: 0, durationSec: 1 },
        { artifactId: ids.front, inSec: 1, durationSec: 1, transition: { type: 'fade', durationSec: 0.2 } },
      ],
      width: 160,
      height: 90,
      fps: 25,
      preset: 'ultrafast',
    });
    expect(jobLog(done.id).find((l) => l.msg === 'input downloaded')).toMatchObject({
      artifactId: ids.front,
      fromIndex: true,
      followed: true,
    });
    // Both scenes read the one download, each following it: ffmpeg started as it began.
    const { args } = encodeOf(done.id);
    const inputs = args.flatMap((a, i) => (a === '-i' ? [args.slice(Math.max(0, i - 8), i + 2).join(' ')] : []));
    // The third is the silent track's lavfi source, which follows nothing.
    expect(inputs[2]).toMatch(/-f lavfi -i anullsrc/);
    expect(inputs[2]).not.toMatch(/-follow/);
    expect(inputs.slice(0, 2)).toEqual([
      expect.stringMatching(/-follow 1 -rw_timeout \d+ .*-i scene-1\.mp4$/),
      expect.stringMatching(/-follow 1 -rw_timeout \d+ .*-i scene-1\.mp4$/),
    ]);
    const result = done.result as { info: { durationSec: number }; expectedDurationSec: number };
    expect(result.expectedDurationSec).toBeCloseTo(1.8, 3);
    expect(result.info.durationSec).toBeCloseTo(1.8, 1);
  });

  it('renders with music known from its WAV header, without probing it', async () => {
    const done = await run('media.render', {
      scenes: [{ artifactId: ids.front, inSec: 0, durationSec: 1.5 }],
      music: { artifactId: ids.music, volume: 0.5 },
      width: 160,
      height: 90,
      fps: 25,
      preset: 'ultrafast',
    });
    const downloaded = jobLog(done.id).filter((l) => l.msg === 'input downloaded');
    expect(downloaded).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ artifactId: ids.music, fromIndex: true }),
        expect.objectContaining({ artifactId: ids.front, fromIndex: true }),
      ]),
    );
    const result = done.result as { info: { streams: { type: string; durationSec?: number }[] } };
    expect(result.info.streams.find((s) => s.type === 'audio')?.durationSec).toBeCloseTo(1.5, 1);
  });

  it('refuses a render scene past the end of a clip known by its index', async () => {
    const { job } = await system.client.enqueue({
      type: 'media.render',
      input: { scenes: [{ artifactId: ids.front, inSec: 30, durationSec: 1 }], width: 160, height: 90, fps: 25, preset: 'ultrafast' },
    });
    const failed = await system.waitForStatus(job.id, ['failed', 'succeeded'], 60_000);
    expect(failed.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('inSec 30 is past the end') });
  });

  it('downloads an MP4 whose index is at the end before transcoding it (ffmpeg would read it twice from a stream)', async () => {
    const done = await transcode(ids.tail);
    expect(jobLog(done.id).find((l) => l.msg === 'input downloaded')).toMatchObject({ artifactId: ids.tail, streamed: false });
    expect((done.result as { info: { durationSec: number } }).info.durationSec).toBeGreaterThan(1.9);
  });

  it('downloads a file that only claims to be a streamable container, never handing it to ffmpeg as a URL', async () => {
    const playlist = await system.artifacts.putStream(
      Readable.from([Buffer.from('#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/segment.ts\n')]),
      {
        name: 'clip.webm',
        contentType: 'video/webm',
        project: 'default',
      },
    );
    const { job } = await system.client.enqueue({ type: 'media.probe', input: { artifactId: playlist.id } });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
    expect(jobLog(done.id).find((l) => l.msg === 'input downloaded')).toMatchObject({ artifactId: playlist.id, streamed: false });
    expect(jobLog(done.id).some((l) => l.msg === 'input streamed from the store')).toBe(false);
  });

  it('probes a streamed input as it probes a downloaded one', async () => {
    const [front, tail] = await Promise.all([run('media.probe', { artifactId: ids.front }), run('media.probe', { artifactId: ids.tail })]);
    const shape = (r: unknown) => {
      const info = r as { durationSec: number; streams: { type: string; codec: string }[] };
      return { duration: Math.round(info.durationSec * 10), streams: info.streams.map((s) => `${s.type}:${s.codec}`) };
    };
    expect(shape(front.result)).toEqual(shape(tail.result));
    expect(jobLog(front.id).some((l) => l.msg === 'input streamed from the store')).toBe(true);
  });
});
