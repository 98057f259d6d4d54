import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ErrorCode } from '@reelay/contracts';
import { ArtifactNotFoundError, ChildProcesses, createLogger } from '@reelay/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ffmpeg, type RunContext } from './ffmpeg-runner.js';
import { PIPED_INPUT_ARG, type PipedInput } from './piped-input.js';

/**
 * An input fed to the real ffmpeg through a pipe by the runner (the store's side is a
 * file stream here; test/media-streaming.int.test.ts reads it from NATS).
 */
describe('piped ffmpeg input', () => {
  let dir: string;
  let clip: Buffer;
  const ctx: RunContext = {
    children: new ChildProcesses(),
    signal: new AbortController().signal,
    progress: () => undefined,
    log: createLogger({ service: 'test', level: 'silent' }),
  };
  const ffmpeg = new Ffmpeg({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', stallTimeoutMs: 30_000 });
  const encode = (input: string, output: string, extra: string[] = []) => [
    '-i',
    input,
    ...extra,
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-threads', '1', '-c:a', 'aac', '-movflags', '+faststart', output],
  ];
  const sha = async (file: string) =>
    createHash('sha256')
      .update(await readFile(path.join(dir, file)))
      .digest('hex');
  /** The clip as the store would hand it over, with what became of the stream. */
  const fromFile = () => {
    const seen = { opened: false, destroyed: false };
    const input: PipedInput = {
      artifactId: 'clip',
      open: async () => {
        seen.opened = true;
        const stream = createReadStream(path.join(dir, 'clip.mp4'), { highWaterMark: 256 * 1024 });
        stream.once('close', () => {
          seen.destroyed = true;
        });
        return stream;
      },
    };
    return { input, seen };
  };
  /** The first `bytes` of the clip, then the read fails with `error`. */
  const failingAfter = (bytes: number, error: Error): PipedInput => ({
    artifactId: 'clip',
    open: async () =>
      Readable.from(
        (async function* () {
          yield clip.subarray(0, bytes);
          throw error;
        })(),
      ),
  });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-piped-input-'));
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=3', '-f', 'lavfi', '-i', 'sine=d=3'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', path.join(dir, 'clip.mp4')],
    ]);
    clip = await readFile(path.join(dir, 'clip.mp4'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('ffmpeg reading a faststart MP4 from the pipe writes what it writes from the file, byte for byte', async () => {
    await ffmpeg.run(ctx, encode('clip.mp4', 'from-file.mp4'), { cwd: dir, stage: 'encode' });
    const { input, seen } = fromFile();
    await ffmpeg.run(ctx, encode(PIPED_INPUT_ARG, 'from-pipe.mp4'), { cwd: dir, stage: 'encode', input });
    expect(seen).toEqual({ opened: true, destroyed: true });
    expect(await sha('from-pipe.mp4')).toBe(await sha('from-file.mp4'));
  });

  it('ffmpeg that stops reading before the end closes the pipe: the run succeeds and the read is stopped', async () => {
    const { input, seen } = fromFile();
    await ffmpeg.run(ctx, encode(PIPED_INPUT_ARG, 'first-frames.mp4', ['-frames:v', '5', '-an']), { cwd: dir, stage: 'encode', input });
    expect(seen.destroyed).toBe(true);
    const frames = execFileSync('ffprobe', [
      ...['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0'],
      path.join(dir, 'first-frames.mp4'),
    ]);
    expect(Number(frames.toString().trim())).toBe(5);
  });

  it('a store read that fails part-way fails the run with a retryable error, never a short output', async () => {
    const run = ffmpeg.run(ctx, encode(PIPED_INPUT_ARG, 'cut.mp4'), {
      cwd: dir,
      stage: 'encode',
      input: failingAfter(Math.floor(clip.length / 2), new Error('connection closed')),
    });
    await expect(run).rejects.toMatchObject({
      code: ErrorCode.TRANSIENT,
      retryable: true,
      message: expect.stringContaining('reading artifact clip from the store for ffmpeg failed: connection closed'),
    });
  });

  it("a store read that fails with the store's own error fails the run with that error (an artifact deleted while read)", async () => {
    const run = ffmpeg.run(ctx, encode(PIPED_INPUT_ARG, 'gone.mp4'), {
      cwd: dir,
      stage: 'encode',
      input: failingAfter(64 * 1024, new ArtifactNotFoundError('clip')),
    });
    await expect(run).rejects.toMatchObject({ code: ErrorCode.ARTIFACT_NOT_FOUND });
  });
});
