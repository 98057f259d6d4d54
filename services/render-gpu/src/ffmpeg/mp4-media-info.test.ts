import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mp4FileMediaInfo } from './mp4-media-info.js';
import { toMediaInfo } from './probe-result.js';

/** Against ffprobe, on files the real ffmpeg writes the way transcode and render do. */
describe('MP4 media info from the index', () => {
  let dir: string;
  const make = (name: string, args: string[]) => {
    const file = path.join(dir, name);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args, '-movflags', '+faststart', '-f', 'mp4', file]);
    return file;
  };
  const ffprobe = (file: string) =>
    toMediaInfo(
      JSON.parse(
        execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' }),
      ),
    );
  const picture = (seconds: number, rate = 30, size = '320x568') => ['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=${rate}:d=${seconds}`];
  const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p'];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-mp4-info-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a transcode: H.264 and mono AAC, says what ffprobe says', async () => {
    const file = make('transcode.mp4', [
      ...picture(2),
      ...['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-map', '0:v:0', '-map', '1:a:0', ...x264],
      ...['-c:a', 'aac', '-b:a', '128k', '-ar', '48000'],
    ]);
    expect(await mp4FileMediaInfo(file)).toEqual(ffprobe(file));
  });

  it('a render: an odd number of frames at 30 fps, stereo AAC at 192k, says what ffprobe says', async () => {
    const file = make('render.mp4', [
      ...picture(3),
      ...['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-frames:v', '61', ...x264, '-r', '30'],
      ...['-c:a', 'aac', '-b:a', '192k', '-t', '2.033333'],
    ]);
    expect(await mp4FileMediaInfo(file)).toEqual(ffprobe(file));
  });

  it('an NTSC rate and no sound, says what ffprobe says', async () => {
    const file = make('ntsc.mp4', [...picture(1.5, 30000 / 1001), '-r', '30000/1001', ...x264]);
    expect(await mp4FileMediaInfo(file)).toEqual(ffprobe(file));
  });

  it('a full-range picture reads as yuvj420p, as ffprobe reads it', async () => {
    const file = make('full-range.mp4', [...picture(1), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuvj420p']);
    const info = await mp4FileMediaInfo(file);
    expect(info?.streams[0]?.pixelFormat).toBe('yuvj420p');
    expect(info).toEqual(ffprobe(file));
  });

  it('leaves to ffprobe what it was not checked against: another codec, 4:4:4, an index at the end, not an MP4', async () => {
    const hevc = make('hevc.mp4', [...picture(1), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error']);
    const yuv444 = make('yuv444.mp4', [...picture(1), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv444p']);
    const tail = path.join(dir, 'tail.mp4');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...picture(1), ...x264, tail]);
    const junk = path.join(dir, 'junk.mp4');
    await writeFile(junk, 'not an MP4 at all');
    for (const file of [hevc, yuv444, tail, junk]) expect(await mp4FileMediaInfo(file)).toBeUndefined();
  });
});
