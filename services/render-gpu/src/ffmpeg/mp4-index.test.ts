import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTracksOneAfterAnother } from '../../test/media-fixtures.js';
import { reservedIndexBytes } from './growing-output.js';
import { indexSummaryOf, localIndexSummary } from './mp4-index.js';

/** Read against files the real ffmpeg writes. */
describe('MP4 index summary', () => {
  let dir: string;
  const make = (name: string, args: string[]) => {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args, path.join(dir, name)]);
    return readFile(path.join(dir, name));
  };
  /** The file as the store serves it, counting the bytes asked for. */
  const reader = (file: Buffer) => {
    const asked = { bytes: 0 };
    const read = async (start: number, end: number) => {
      asked.bytes += end - start + 1;
      return file.subarray(start, end + 1);
    };
    return { read, asked };
  };
  const picture = (seconds: number, size = '160x90', rate = 25) => ['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=${rate}:d=${seconds}`];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-mp4-index-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a faststart clip: picture, sound and its length, from the index alone', async () => {
    const file = await make('clip.mp4', [
      ...picture(2),
      ...['-f', 'lavfi', '-i', 'sine=d=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest'],
      ...['-movflags', '+faststart'],
    ]);
    const { read } = reader(file);
    const summary = await indexSummaryOf(read, file.length);
    expect(summary).toMatchObject({ hasVideo: true, hasAudio: true, followable: true });
    expect(summary?.durationSec).toBeCloseTo(2, 1);
  });

  it('a faststart clip cut short is not followable: ffmpeg would wait for samples past its end that never come', async () => {
    const file = await make('cut.mp4', [...picture(2), ...['-c:v', 'libx264', '-preset', 'ultrafast', '-movflags', '+faststart']]);
    const cut = file.subarray(0, file.length - 1000);
    expect(await indexSummaryOf(reader(cut).read, cut.length)).toMatchObject({ hasVideo: true, followable: false });
    expect(await indexSummaryOf(reader(file).read, file.length)).toMatchObject({ hasVideo: true, followable: true });
  });

  it('a faststart clip with all its sound after its picture is followable too: ffmpeg seeks between them, in a file as in any', async () => {
    const file = await make('apart.mp4', [
      ...picture(3),
      ...['-f', 'lavfi', '-i', 'sine=d=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest'],
      ...['-movflags', '+faststart'],
    ]);
    const apart = withTracksOneAfterAnother(file);
    const summary = await indexSummaryOf(reader(apart).read, apart.length);
    expect(summary).toMatchObject({ hasVideo: true, hasAudio: true, followable: true });
    expect(summary?.durationSec).toBeCloseTo(3, 1);
  });

  it('a fragmented MP4 is not followable: its samples are in its fragments, not in the index', async () => {
    const file = await make('fragmented.mp4', [
      ...picture(2),
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-movflags', 'frag_keyframe+empty_moov'],
    ]);
    expect(await indexSummaryOf(reader(file).read, file.length)).toMatchObject({ hasVideo: true, followable: false });
  });

  it('sound alone has no picture', async () => {
    const file = await make('voice.m4a', ['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', '-movflags', '+faststart']);
    expect(await indexSummaryOf(reader(file).read, file.length)).toMatchObject({ hasVideo: false, hasAudio: true });
  });

  it('an index longer than the first read is read on until it is whole', async () => {
    // 20,000 frames, every one a key frame: the sample tables take ~80 KB, more than the first read.
    const file = await make('long.mp4', [
      ...picture(200, '64x36', 100),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '1',
      '-movflags',
      '+faststart',
    ]);
    expect(file.readUInt32BE(file.readUInt32BE(0))).toBeGreaterThan(64 * 1024);
    const { read, asked } = reader(file);
    const summary = await indexSummaryOf(read, file.length);
    expect(summary).toMatchObject({ hasVideo: true, hasAudio: false });
    expect(summary?.durationSec).toBeCloseTo(200, 0);
    expect(asked.bytes).toBeGreaterThan(64 * 1024);
    // Making 20,000 frames takes ~3 s on an idle core; a loaded CI machine takes more than vitest's 5 s default.
  }, 60_000);

  it('says nothing of an index behind the media data, and reads no further than the first chunk to learn it', async () => {
    const file = await make('tail.mp4', [...picture(4, '640x360'), '-c:v', 'libx264', '-preset', 'ultrafast']);
    expect(file.length).toBeGreaterThan(128 * 1024);
    const { read, asked } = reader(file);
    expect(await indexSummaryOf(read, file.length)).toBeUndefined();
    expect(asked.bytes).toBe(64 * 1024);
  });

  it('says nothing of an index cut short, or of what is not an MP4', async () => {
    const file = await make('front.mp4', [...picture(1), '-c:v', 'libx264', '-preset', 'ultrafast', '-movflags', '+faststart']);
    const cut = file.subarray(0, 600);
    expect(await indexSummaryOf(reader(cut).read, cut.length)).toBeUndefined();
    const junk = Buffer.from('not an index at all');
    expect(await indexSummaryOf(reader(junk).read, junk.length)).toBeUndefined();
  });

  describe('an index written into room reserved for it (ffmpeg -moov_size, growing-output.ts)', () => {
    const clip = ['-f', 'lavfi', '-i', 'sine=d=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-ar', '48000', '-shortest'];

    it('that fits: before the samples, as in a faststart file', async () => {
      const fits = await make('fits.mp4', [...picture(3), ...clip, '-moov_size', '40000']);
      expect(await indexSummaryOf(reader(fits).read, fits.length)).toMatchObject({ indexBeforeSamples: true, followable: true });
      await make('fast.mp4', [...picture(3), ...clip, '-movflags', '+faststart']);
      expect(await localIndexSummary(path.join(dir, 'fast.mp4'))).toMatchObject({ indexBeforeSamples: true });
    });

    it('that outgrew its room runs into the samples, though ffmpeg exits 0', async () => {
      // ffmpeg says "reserved_moov_size is too small" and writes the index over the first
      // samples; mp4box then finds no readable index, or one that runs into them.
      await make('outgrew.mp4', [...picture(3), ...clip, '-moov_size', '1000']);
      expect((await localIndexSummary(path.join(dir, 'outgrew.mp4')))?.indexBeforeSamples).not.toBe(true);
    });

    it('the room sized from the source fits the index of an output at twice its frame rate', async () => {
      const source = await make('source.mp4', [
        ...picture(4, '160x90', 30),
        ...clip.map((a) => (a === 'sine=d=3' ? 'sine=d=4' : a)),
        '-movflags',
        '+faststart',
      ]);
      const summary = await indexSummaryOf(reader(source).read, source.length);
      expect(summary?.samples).toBeGreaterThan(4 * 30);
      const room = reservedIndexBytes(summary?.durationSec ?? 0, summary?.samples ?? 0, 60);
      await make('doubled.mp4', [
        '-i',
        path.join(dir, 'source.mp4'),
        '-vf',
        'fps=60',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-moov_size',
        String(room),
      ]);
      expect(await localIndexSummary(path.join(dir, 'doubled.mp4'))).toMatchObject({ indexBeforeSamples: true });
    });
  });
});
