import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexSummary, moovLocation } from './mp4-index.js';

/** Read against files the real ffmpeg writes. */
describe('MP4 index summary', () => {
  let dir: string;
  const make = (name: string, args: string[]) => {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args, path.join(dir, name)]);
    return readFile(path.join(dir, name));
  };
  const moovOf = (file: Buffer) => {
    const at = moovLocation(file.subarray(0, 64 * 1024));
    return at ? file.subarray(at.offset, at.offset + at.size) : undefined;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-mp4-index-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a faststart clip: picture, sound and its length, from the index alone', async () => {
    const file = await make('clip.mp4', [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=160x90:r=25:d=2',
      '-f',
      'lavfi',
      '-i',
      'sine=d=2',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-shortest',
      '-movflags',
      '+faststart',
    ]);
    const moov = moovOf(file);
    expect(moov).toBeDefined();
    const summary = indexSummary(moov as Buffer);
    expect(summary).toMatchObject({ hasVideo: true, hasAudio: true });
    expect(summary?.durationSec).toBeCloseTo(2, 1);
  });

  it('sound alone has no picture', async () => {
    const file = await make('voice.m4a', ['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', '-movflags', '+faststart']);
    expect(indexSummary(moovOf(file) as Buffer)).toMatchObject({ hasVideo: false, hasAudio: true });
  });

  it('says nothing of an index at the end, or of one cut short', async () => {
    const tail = await make('tail.mp4', ['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=1', '-c:v', 'libx264', '-preset', 'ultrafast']);
    expect(moovLocation(tail.subarray(0, 64 * 1024))).toBeUndefined();
    const front = await make('front.mp4', ['-i', path.join(dir, 'tail.mp4'), '-c', 'copy', '-movflags', '+faststart']);
    const moov = moovOf(front) as Buffer;
    expect(indexSummary(moov.subarray(0, 40))).toBeUndefined();
    expect(indexSummary(Buffer.from('not an index at all'))).toBeUndefined();
  });
});
