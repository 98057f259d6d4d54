import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AvatarOutput, TtsOutput } from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadArtifact, jobRunner } from './media-files.js';
import { testPng } from './openai-images-server.js';

const AI_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const run = promisify(execFile);

interface Stream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}

async function probe(file: string) {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height:format=duration', '-of', 'json', file],
  ]);
  const parsed = JSON.parse(stdout) as { streams: Stream[]; format: { duration: string } };
  return { streams: parsed.streams, durationSec: Number(parsed.format.duration) };
}

/**
 * Mean brightness of one region of every decoded frame, the region given as fractions of
 * the picture (x, y, width, height): ffmpeg crops it, shrinks it to 16x8 grey, and the
 * bytes are averaged here.
 */
async function regionBrightness(file: string, [x, y, w, h]: [number, number, number, number]): Promise<number[]> {
  const { stdout } = await run(
    'ffmpeg',
    [
      ...['-v', 'error', '-i', file, '-an'],
      ...['-vf', `crop=iw*${w}:ih*${h}:iw*${x}:ih*${y},scale=16:8,format=gray`, '-f', 'rawvideo', '-'],
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const means: number[] = [];
  for (let at = 0; at + 128 <= stdout.length; at += 128) means.push(stdout.subarray(at, at + 128).reduce((a, b) => a + b, 0) / 128);
  return means;
}

describe('ai.avatar on the offline engine (the default: no provider configured)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
    await system.startService(AI_MAIN, { AI_CONCURRENCY: '2' });
  });
  afterAll(() => system.close());

  const { settle, succeed } = jobRunner(() => system);

  const text = 'Hello there, and welcome back to the channel.';

  it('a text and a portrait URL give a 720x720 H.264 and AAC video as long as the voice, whose cartoon mouth opens and closes', async () => {
    const [avatar, voice] = await Promise.all([
      succeed<AvatarOutput>('ai.avatar', { imageUrl: 'https://images.example.com/host.jpg', text }),
      // The same text through ai.tts: the voice the avatar speaks, measured on its own.
      succeed<TtsOutput>('ai.tts', { text }),
    ]);
    expect(avatar).toMatchObject({
      provider: 'offline-avatar',
      width: 720,
      height: 720,
      providerJobId: expect.stringMatching(/^offline-/),
    });
    expect(avatar.video).toMatchObject({ contentType: 'video/mp4', name: 'avatar.mp4' });
    const file = await downloadArtifact(system.artifacts, avatar.video.id, 'avatar.mp4');
    const { streams, durationSec } = await probe(file);
    expect(streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 720, height: 720 });
    expect(voice.durationSec).toBeGreaterThan(1.5);
    expect(Math.abs(durationSec - voice.durationSec)).toBeLessThan(voice.durationSec * 0.1);
    expect(Math.abs(avatar.durationSec - durationSec)).toBeLessThan(0.1);

    // The mouth region: dark when open, skin and a lip line when closed.
    const mouth = await regionBrightness(file, [0.44, 0.57, 0.12, 0.1]);
    expect(mouth.length).toBeGreaterThan(voice.durationSec * 25 * 0.9);
    const closed = Math.max(...mouth);
    const open = Math.min(...mouth);
    expect(closed - open).toBeGreaterThan(15);
    // It moves with the voice, not once: many frames closed-ish and many open-ish.
    const mid = (closed + open) / 2;
    expect(mouth.filter((m) => m < mid).length).toBeGreaterThan(5);
    expect(mouth.filter((m) => m >= mid).length).toBeGreaterThan(5);
  });

  it('a portrait artifact and a voice track give the portrait in a ring that swells with the voice, as long as the track', async () => {
    const voice = await succeed<TtsOutput>('ai.tts', { text: 'Three short words. Then a pause, and more.' });
    const portrait = await system.artifacts.putStream(Readable.from([testPng(300, 400)]), {
      name: 'portrait.png',
      contentType: 'image/png',
      project: 'default',
    });
    const avatar = await succeed<AvatarOutput>('ai.avatar', { image: portrait.id, audio: voice.audio.id, name: 'host' });
    expect(avatar).toMatchObject({ provider: 'offline-avatar', width: 720, height: 720 });
    expect(avatar.video.name).toBe('host.mp4');
    const file = await downloadArtifact(system.artifacts, avatar.video.id, 'host.mp4');
    const { streams, durationSec } = await probe(file);
    expect(streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(Math.abs(durationSec - voice.durationSec)).toBeLessThan(voice.durationSec * 0.1);
    // Just outside the photo's circle on the right, where the ring and its waves grow.
    const ring = await regionBrightness(file, [0.84, 0.45, 0.12, 0.1]);
    expect(Math.max(...ring) - Math.min(...ring)).toBeGreaterThan(8);
    // The photo itself (the circle's centre) stays still.
    const photo = await regionBrightness(file, [0.45, 0.45, 0.1, 0.1]);
    expect(Math.max(...photo) - Math.min(...photo)).toBeLessThan(3);
  });

  it('a portrait artifact that is not an image fails once, permanently, saying so', async () => {
    const junk = await system.artifacts.putStream(Readable.from([Buffer.from('this is not a picture at all\n'.repeat(20))]), {
      name: 'portrait.png',
      contentType: 'image/png',
      project: 'default',
    });
    const done = await settle('ai.avatar', { image: junk.id, text: 'Hello there.' });
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
    expect(done.error!.message).toBe('the portrait artifact (portrait.png) is not an image ffmpeg can read');
    const dead = await waitUntil(() => system.client.getDeadLetter(done.id), { what: 'the dead letter' });
    expect(dead).toMatchObject({ reason: 'permanent' });
  });
});
