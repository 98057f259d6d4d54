import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavSummaryOf } from './wav-header.js';

/** Read against WAV files the real ffmpeg writes, and set against ffprobe. */
describe('WAV header summary', () => {
  let dir: string;
  const make = (name: string, args: string[]) => {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args, path.join(dir, name)]);
    return readFile(path.join(dir, name));
  };
  const ffprobeDuration = (name: string) =>
    Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path.join(dir, name)]).toString());
  const head = (file: Buffer) => file.subarray(0, 64 * 1024);
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-wav-header-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['16-bit mono at 44.1 kHz', 'mono.wav', ['-f', 'lavfi', '-i', 'sine=f=220:sample_rate=44100:d=2.5']],
    ['float stereo at 48 kHz', 'float.wav', ['-f', 'lavfi', '-i', 'sine=d=1.3', '-ac', '2', '-ar', '48000', '-c:a', 'pcm_f32le']],
    ['24-bit six channels (WAVE_FORMAT_EXTENSIBLE)', 'six.wav', ['-f', 'lavfi', '-i', 'sine=d=0.7', '-ac', '6', '-c:a', 'pcm_s24le']],
  ])('%s: sound, no picture, and the length ffprobe reads', async (_what, name, args) => {
    const file = await make(name, args as string[]);
    const summary = wavSummaryOf(head(file), file.length);
    expect(summary).toMatchObject({ hasVideo: false, hasAudio: true });
    expect(summary?.durationSec).toBeCloseTo(ffprobeDuration(name), 4);
  });

  it('says nothing of a header a streaming writer left without sizes, of a compressed codec, or of what is not a WAV', async () => {
    const streamed = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=d=1', '-f', 'wav', 'pipe:1']);
    expect(wavSummaryOf(head(streamed), streamed.length)).toBeUndefined();
    const alaw = await make('alaw.wav', ['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'pcm_alaw']);
    expect(wavSummaryOf(head(alaw), alaw.length)).toBeUndefined();
    // Cut short: its data chunk says more than the file holds.
    const whole = await make('cut.wav', ['-f', 'lavfi', '-i', 'sine=d=1']);
    expect(wavSummaryOf(head(whole), 1000)).toBeUndefined();
    expect(wavSummaryOf(Buffer.from('RIFF\0\0\0\0AVI LIST'), 16)).toBeUndefined();
  });
});
