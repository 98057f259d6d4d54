import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '@reelay/contracts';
import { ArtifactNotFoundError, ChildProcesses, createLogger } from '@reelay/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ffmpeg, type RunContext } from './ffmpeg-runner.js';
import { type Download, followArgs } from './followed-input.js';

/**
 * The real ffmpeg following an input while it is written, as a download writes it (the
 * store's side is a trickle from a buffer here; test/media-streaming.int.test.ts reads
 * it from NATS). The follow timeout is far longer than any test may run: a run that
 * waited on it instead of ending would time the test out.
 */
describe('followed ffmpeg input', () => {
  let dir: string;
  let clip: Buffer;
  const ctx: RunContext = {
    children: new ChildProcesses(),
    signal: new AbortController().signal,
    progress: () => undefined,
    log: createLogger({ service: 'test', level: 'silent' }),
  };
  const ffmpeg = new Ffmpeg({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', stallTimeoutMs: 60_000 });
  const FOLLOW = followArgs(600);
  const encode = (inputs: string[][], output: string) => [
    ...inputs.flat(),
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-threads', '1', '-c:a', 'aac', '-movflags', '+faststart', output],
  ];
  const sha = async (file: string) =>
    createHash('sha256')
      .update(await readFile(path.join(dir, file)))
      .digest('hex');
  /**
   * The clip into `name` in 16 pieces over ~1.6 s, as a download writes it (the file is
   * created empty first, as followedDownload does): far slower than ffmpeg reads this
   * clip, so it reaches the end of what is there many times. `failAt` bytes in, the
   * write fails with `error` instead.
   */
  const trickle = async (name: string, options: { failAt?: number; error?: Error } = {}) => {
    const file = path.join(dir, name);
    await writeFile(file, '');
    const piece = Math.ceil(clip.length / 16);
    const seen = { stopped: false, written: 0 };
    const download: Download = async (signal) => {
      for (let at = 0; at < clip.length; at += piece) {
        if (signal.aborted) {
          seen.stopped = true;
          throw signal.reason;
        }
        if (options.failAt !== undefined && at >= options.failAt) throw options.error;
        await appendFile(file, clip.subarray(at, at + piece));
        seen.written = Math.min(clip.length, at + piece);
        await sleep(100);
      }
    };
    return { download, seen };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-followed-input-'));
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=3', '-f', 'lavfi', '-i', 'sine=d=3'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', path.join(dir, 'clip.mp4')],
    ]);
    clip = await readFile(path.join(dir, 'clip.mp4'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('ffmpeg following a faststart MP4 as it is written writes what it writes from the whole file, byte for byte, and ends with it', async () => {
    await ffmpeg.run(ctx, encode([['-i', 'clip.mp4']], 'from-file.mp4'), { cwd: dir, stage: 'encode' });
    const { download, seen } = await trickle('growing.mp4');
    await ffmpeg.run(ctx, encode([[...FOLLOW, '-i', 'growing.mp4']], 'followed.mp4'), { cwd: dir, stage: 'encode', downloads: [download] });
    expect(await sha('followed.mp4')).toBe(await sha('from-file.mp4'));
    expect(seen).toEqual({ stopped: false, written: clip.length });
  });

  it("two reads of one growing file, the second seeking to its middle (a render's scenes), come out as from the whole file", async () => {
    const scenes = (file: string, follow: string[]) => [
      [...follow, '-ss', '0', '-t', '1.5', '-i', file],
      [...follow, '-ss', '1.5', '-t', '1.5', '-i', file],
      ['-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0[v]', '-map', '[v]', '-map', '0:a'],
    ];
    await ffmpeg.run(ctx, encode(scenes('clip.mp4', []), 'scenes-from-file.mp4'), { cwd: dir, stage: 'encode' });
    const { download } = await trickle('growing-scenes.mp4');
    await ffmpeg.run(ctx, encode(scenes('growing-scenes.mp4', FOLLOW), 'scenes-followed.mp4'), {
      cwd: dir,
      stage: 'encode',
      downloads: [download],
    });
    expect(await sha('scenes-followed.mp4')).toBe(await sha('scenes-from-file.mp4'));
  });

  it('a download that fails part-way stops ffmpeg at once and fails the run with a retryable error, never a short output', async () => {
    const { download } = await trickle('cut.mp4', { failAt: Math.floor(clip.length / 2), error: new Error('connection closed') });
    const run = ffmpeg.run(ctx, encode([[...FOLLOW, '-i', 'cut.mp4']], 'cut-out.mp4'), {
      cwd: dir,
      stage: 'encode',
      downloads: [download],
    });
    await expect(run).rejects.toMatchObject({
      code: ErrorCode.TRANSIENT,
      retryable: true,
      message: expect.stringContaining('downloading an input for ffmpeg failed: connection closed'),
    });
  });

  it("a download that fails with the store's own error fails the run with that error (an artifact deleted while read)", async () => {
    const { download } = await trickle('gone.mp4', { failAt: Math.ceil(clip.length / 16), error: new ArtifactNotFoundError('clip') });
    const run = ffmpeg.run(ctx, encode([[...FOLLOW, '-i', 'gone.mp4']], 'gone-out.mp4'), {
      cwd: dir,
      stage: 'encode',
      downloads: [download],
    });
    await expect(run).rejects.toMatchObject({ code: ErrorCode.ARTIFACT_NOT_FOUND });
  });

  it('once ffmpeg has what it needs and exits, the rest of the download is stopped and the run succeeds', async () => {
    const { download, seen } = await trickle('first-frames.mp4');
    const args = [...FOLLOW, '-i', 'first-frames.mp4', '-frames:v', '5', '-an', '-c:v', 'libx264', '-preset', 'ultrafast', 'five.mp4'];
    await ffmpeg.run(ctx, args, { cwd: dir, stage: 'encode', downloads: [download] });
    expect(seen.stopped).toBe(true);
    expect(seen.written).toBeLessThan(clip.length);
    const frames = execFileSync('ffprobe', [
      ...['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0'],
      path.join(dir, 'five.mp4'),
    ]);
    expect(Number(frames.toString().trim())).toBe(5);
  });

  it('a job cancelled while ffmpeg follows its input stops ffmpeg and the download, and the run fails with the cancellation', async () => {
    const cancel = new AbortController();
    const { download, seen } = await trickle('cancelled.mp4');
    const run = ffmpeg.run({ ...ctx, signal: cancel.signal }, encode([[...FOLLOW, '-i', 'cancelled.mp4']], 'cancelled-out.mp4'), {
      cwd: dir,
      stage: 'encode',
      downloads: [download],
    });
    setTimeout(() => cancel.abort(new Error('cancelled by the test')), 300);
    await expect(run).rejects.toThrow('cancelled by the test');
    expect(seen.stopped).toBe(true);
    expect(seen.written).toBeLessThan(clip.length);
  });

  it('followArgs gives the file protocol its follow flag and the wait in microseconds', () => {
    expect(followArgs(2.5)).toEqual(['-follow', '1', '-rw_timeout', '2500000']);
  });
});
