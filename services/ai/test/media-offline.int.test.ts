import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ImageOutput, MusicOutput } from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadArtifact, jobRunner } from './media-files.js';

const AI_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const run = promisify(execFile);

/** What ffprobe reads of a file's first stream and its container. */
async function probe(file: string) {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_name,width,height,sample_rate,channels:format=duration',
    '-of',
    'json',
    file,
  ]);
  const parsed = JSON.parse(stdout) as { streams: Record<string, string | number>[]; format: { duration?: string } };
  return { stream: parsed.streams[0]!, durationSec: Number(parsed.format.duration) };
}

/** Integrated loudness as ffmpeg's EBU R128 meter reads it (independent of loudnorm). */
async function integratedLufs(file: string): Promise<number> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'ebur128', '-f', 'null', '-']);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  return Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1]);
}

describe('ai media tasks on their offline engines (no provider configured)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
    // ai.avatar switched off: its offline engine is tested in avatar-offline.int.test.ts.
    await system.startService(AI_MAIN, { AI_CONCURRENCY: '2', AI_AVATAR_PROVIDER: 'none' });
  });
  afterAll(() => system.close());

  const { settle, succeed } = jobRunner(() => system);

  it('ai.image illustrates a visual hint as a 1080x1920 PNG that ffprobe reads, with its seed, palette and keyword', async () => {
    const result = await succeed<ImageOutput>('ai.image', {
      prompt: 'B-roll of sourdough bread on a kitchen table, caption "Step 1"',
      sceneIndex: 2,
    });
    expect(result).toMatchObject({ provider: 'offline-illustrator', width: 1080, height: 1920, keyword: 'Step 1' });
    expect(result.image).toMatchObject({ contentType: 'image/png', name: 'image.png' });
    expect(result.palette!.length).toBeGreaterThanOrEqual(5);
    const file = await downloadArtifact(system.artifacts, result.image.id, 'image.png');
    const { stream } = await probe(file);
    expect(stream).toMatchObject({ codec_name: 'png', width: 1080, height: 1920 });
  });

  it('ai.image draws the same picture for the same prompt and seed, and a different one for another scene', async () => {
    const prompt = 'Ocean waves at sunset, calm and slow';
    const [a, b, c] = await Promise.all([
      succeed<ImageOutput>('ai.image', { prompt, seed: 4242, width: 540, height: 960 }),
      succeed<ImageOutput>('ai.image', { prompt, seed: 4242, width: 540, height: 960 }),
      succeed<ImageOutput>('ai.image', { prompt: 'A city skyline at night with lit windows', seed: 4243, width: 540, height: 960 }),
    ]);
    expect(a!.seed).toBe(4242);
    expect(a!.image.sha256).toBeDefined();
    expect(b!.image.sha256).toBe(a!.image.sha256);
    expect(c!.image.sha256).not.toBe(a!.image.sha256);
    expect(c!.palette).not.toEqual(a!.palette);
    expect(a!.mood).toBe('calm');
  });

  it('ai.image with layers stores background, middle and foreground PNGs, transparent above the background', async () => {
    const result = await succeed<ImageOutput>('ai.image', {
      prompt: 'Forest trail in the morning',
      layers: true,
      width: 360,
      height: 640,
      name: 'forest',
    });
    expect(result.layers!.map((l) => [l.depth, l.name, l.image.name])).toEqual([
      [0, 'background', 'forest-background.png'],
      [1, 'middle', 'forest-middle.png'],
      [2, 'foreground', 'forest-foreground.png'],
    ]);
    // RGBA PNGs: colour type 6 in the IHDR chunk (byte 25).
    const middle = await readFile(await downloadArtifact(system.artifacts, result.layers![1]!.image.id, 'middle.png'));
    expect(middle[25]).toBe(6);
  });

  it('ai.music synthesises a stereo bed of the asked length (within 2%), normalised to the target loudness', async () => {
    const result = await succeed<MusicOutput>('ai.music', { durationSec: 12.5, mood: 'energetic', targetLufs: -18, seed: 7 });
    expect(result).toMatchObject({ provider: 'offline-synth', mood: 'energetic', sampleRate: 48_000, channels: 2, seed: 7 });
    expect(result.chords!.length).toBeGreaterThanOrEqual(2);
    expect(result.key).toMatch(/^[A-G][#b]? (major|minor)$/);
    expect(result.tempoBpm).toBeGreaterThanOrEqual(120);
    const file = await downloadArtifact(system.artifacts, result.audio.id, 'music.wav');
    const { stream, durationSec } = await probe(file);
    expect(stream).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '48000', channels: 2 });
    expect(Math.abs(durationSec - 12.5)).toBeLessThan(12.5 * 0.02);
    expect(Math.abs(result.durationSec - durationSec)).toBeLessThan(0.01);
    // The result's loudness is the stored file's, and it is the target's.
    const measured = await integratedLufs(file);
    expect(Math.abs(measured - result.loudnessLufs)).toBeLessThan(0.5);
    expect(Math.abs(measured - -18)).toBeLessThan(1);
    expect(result.truePeakDb).toBeLessThanOrEqual(-1);
  });

  it('a target too loud for the peak ceiling is approached by limiting, and the result reports the loudness reached', async () => {
    const result = await succeed<MusicOutput>('ai.music', { durationSec: 6, mood: 'dramatic', targetLufs: -9, seed: 3 });
    const file = await downloadArtifact(system.artifacts, result.audio.id, 'loud.wav');
    const measured = await integratedLufs(file);
    expect(Math.abs(measured - result.loudnessLufs)).toBeLessThan(0.5);
    // The synthesised bed sits near -21 LUFS with peaks near -11 dBTP: far louder now, peaks held under the ceiling.
    expect(measured).toBeGreaterThan(-13);
    expect(result.truePeakDb).toBeLessThanOrEqual(-1);
  });

  it('ai.music plays the same chords for the same seed and mood, and other chords for another mood', async () => {
    const [a, b, c] = await Promise.all([
      succeed<MusicOutput>('ai.music', { durationSec: 4, mood: 'calm', seed: 11 }),
      succeed<MusicOutput>('ai.music', { durationSec: 4, mood: 'calm', seed: 11 }),
      succeed<MusicOutput>('ai.music', { durationSec: 4, mood: 'mysterious', seed: 11 }),
    ]);
    expect(b!.audio.sha256).toBe(a!.audio.sha256);
    expect(a!.key).toBe('F major');
    expect(c!.key).toBe('A minor');
    expect(c!.audio.sha256).not.toBe(a!.audio.sha256);
  });

  it('ai.avatar switched off (AI_AVATAR_PROVIDER=none) fails once, permanently, naming the configuration it needs', async () => {
    const done = await settle('ai.avatar', { imageUrl: 'https://example.com/portrait.png', text: 'Hello there, welcome back.' });
    expect(done.status).toBe('failed');
    expect(done.attempts).toBe(1);
    expect(done.error).toMatchObject({ code: 'PROVIDER_NOT_CONFIGURED', retryable: false });
    expect(done.error!.message).toContain('AI_AVATAR_PROVIDER=none');
    expect(done.error!.message).toContain('AI_AVATAR_PROVIDER=offline-avatar');
    const dead = await waitUntil(() => system.client.getDeadLetter(done.id), { what: 'the dead letter' });
    expect(dead).toMatchObject({ reason: 'permanent' });
  });

  it('bad media input is refused before anything is queued', async () => {
    await expect(system.client.enqueue({ type: 'ai.music', input: { durationSec: 0.5 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(system.client.enqueue({ type: 'ai.image', input: { prompt: 'ok prompt', width: 10 } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      system.client.enqueue({
        type: 'ai.avatar',
        input: { imageUrl: 'https://example.com/a.png', text: 'Hello there.', audio: 'abcdef0123456789' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      system.client.enqueue({ type: 'ai.avatar', input: { imageUrl: 'http://10.0.0.1/a.png', text: 'Hello there.' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it("ai.image stores into the job's project", async () => {
    const { job } = await system.client.enqueue({
      type: 'ai.image',
      input: { prompt: 'Chart of savings', width: 128, height: 128 },
      project: 'beta',
    });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
    expect((done.result as ImageOutput).image.project).toBe('beta');
    expect(await system.artifacts.info((done.result as ImageOutput).image.id)).toMatchObject({ project: 'beta' });
  });
});
