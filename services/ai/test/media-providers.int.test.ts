import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AvatarOutput, ImageOutput, MusicOutput } from '@reelay/contracts';
import { type ServiceProcess, startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DID_SECONDS_PER_CHAR, type DidServer, startDidServer } from './did-server.js';
import { type ElevenLabsMusicServer, startElevenLabsMusicServer } from './elevenlabs-music-server.js';
import { downloadArtifact } from './media-files.js';
import { imagesError, type OpenAiImagesServer, startOpenAiImagesServer, testPng } from './openai-images-server.js';
import { toneWav } from './wav-tone.js';

const AI_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const run = promisify(execFile);
const IMAGES_KEY = 'sk-images-5d1f0a9c3b7e2468';
const ELEVENLABS_KEY = 'xi-music-8b2e4c6a0d1f3579';
const DID_KEY = 'dXNlckBleGFtcGxlLmNvbQ:Zk3p9QwErTy';

async function probe(file: string) {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,codec_name,width,height,sample_rate,channels:format=duration',
    '-of',
    'json',
    file,
  ]);
  const parsed = JSON.parse(stdout) as { streams: Record<string, string | number>[]; format: { duration?: string } };
  return { streams: parsed.streams, durationSec: Number(parsed.format.duration) };
}

describe('ai media tasks against their providers (local servers speaking OpenAI images, ElevenLabs music, D-ID talks)', () => {
  let system: TestSystem;
  let images: OpenAiImagesServer;
  let music: ElevenLabsMusicServer;
  let did: DidServer;
  let service: ServiceProcess;

  beforeAll(async () => {
    [images, music, did] = await Promise.all([
      startOpenAiImagesServer({ apiKey: IMAGES_KEY }),
      startElevenLabsMusicServer({ apiKey: ELEVENLABS_KEY }),
      startDidServer({ apiKey: DID_KEY }),
    ]);
    system = await startTestSystem();
    service = await system.startService(AI_MAIN, {
      AI_IMAGE_PROVIDER: 'openai',
      AI_IMAGE_BASE_URL: images.baseUrl,
      AI_IMAGE_API_KEY: IMAGES_KEY,
      AI_IMAGE_PRICE_PER_IMAGE_USD: '0.04',
      AI_MUSIC_PROVIDER: 'elevenlabs',
      ELEVENLABS_BASE_URL: music.baseUrl,
      ELEVENLABS_API_KEY: ELEVENLABS_KEY,
      AI_AVATAR_PROVIDER: 'd-id',
      DID_BASE_URL: did.baseUrl,
      DID_API_KEY: DID_KEY,
      AI_AVATAR_POLL_MS: '100',
    });
  });
  afterAll(async () => {
    await system.close();
    await Promise.all([images.close(), music.close(), did.close()]);
  });

  async function settle(type: string, input: unknown) {
    const { job } = await system.client.enqueue({ type, input });
    return system.waitForStatus(job.id, ['succeeded', 'failed'], 90_000);
  }
  async function succeed<T>(type: string, input: unknown): Promise<T> {
    const done = await settle(type, input);
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    return done.result as T;
  }
  const keysStayOut = (record: unknown) => {
    for (const key of [IMAGES_KEY, ELEVENLABS_KEY, DID_KEY]) {
      expect(JSON.stringify(record)).not.toContain(key);
      expect(service.output()).not.toContain(key);
    }
  };

  it('ai.image asks /images/generations for one gpt-image-1 picture (no response_format) and crops it to the asked 1080x1920', async () => {
    const before = images.requests.length;
    const result = await succeed<ImageOutput>('ai.image', { prompt: 'A lighthouse on a cliff at dawn', width: 1080, height: 1920 });
    const [request] = images.requests.slice(before);
    expect(request!.body).toEqual({ model: 'gpt-image-1', prompt: 'A lighthouse on a cliff at dawn', n: 1, size: '1024x1536' });
    expect(request!.headers.authorization).toBe(`Bearer ${IMAGES_KEY}`);
    expect(result).toMatchObject({ provider: 'openai-compatible', model: 'gpt-image-1', width: 1080, height: 1920 });
    expect(result.usage).toEqual({ requests: 1, promptTokens: 60, completionTokens: 4_200, totalTokens: 4_260, costUsd: 0.04 });
    const { streams } = await probe(await downloadArtifact(system.artifacts, result.image.id, 'image.png'));
    expect(streams[0]).toMatchObject({ codec_name: 'png', width: 1080, height: 1920 });
  });

  it('a 429 with Retry-After from the images API waits without spending an attempt, then succeeds', async () => {
    images.enqueue({
      ...imagesError(429, 'Rate limit reached for images per minute.', 'requests', 'rate_limit_exceeded'),
      headers: { 'retry-after': '1' },
    });
    const { job } = await system.client.enqueue({
      type: 'ai.image',
      input: { prompt: 'Mountains under snow', width: 256, height: 256 },
      maxAttempts: 1,
    });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, freeRedeliveries: 1 });
  });

  it("a content-policy refusal fails the job once, permanently, with the provider's message", async () => {
    images.enqueue(
      imagesError(
        400,
        'Your request was rejected as a result of our safety system.',
        'image_generation_user_error',
        'content_policy_violation',
      ),
    );
    const done = await settle('ai.image', { prompt: 'Something the safety system refuses' });
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    expect(done.error).toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: false,
      message: 'openai-compatible-images answered 400: Your request was rejected as a result of our safety system.',
    });
    keysStayOut(done);
  });

  it('ai.music asks ElevenLabs for an instrumental track, loops and cuts it to the asked 12 s and normalises its loudness', async () => {
    const before = music.requests.length;
    const result = await succeed<MusicOutput>('ai.music', { durationSec: 12, mood: 'calm', targetLufs: -20 });
    const [request] = music.requests.slice(before);
    expect(request!.query).toBe('?output_format=mp3_44100_128');
    expect(request!.body).toMatchObject({ music_length_ms: 12_000, model_id: 'music_v1', force_instrumental: true });
    expect(request!.body.prompt).toContain('calm ambient instrumental');
    expect(result).toMatchObject({ provider: 'elevenlabs', model: 'music_v1', sampleRate: 48_000, channels: 2 });
    expect(result.usage).toMatchObject({ requests: 1, audioSeconds: 12 });
    expect(Math.abs(result.loudnessLufs - -20)).toBeLessThan(1);
    const file = await downloadArtifact(system.artifacts, result.audio.id, 'music.wav');
    const { durationSec } = await probe(file);
    expect(Math.abs(durationSec - 12)).toBeLessThan(12 * 0.02);
  });

  it('a bed shorter than ElevenLabs composes is asked at its 10 s minimum and cut to length', async () => {
    const before = music.requests.length;
    const result = await succeed<MusicOutput>('ai.music', { durationSec: 4, prompt: 'soft piano with rain' });
    expect(music.requests.slice(before)[0]!.body).toMatchObject({ prompt: 'soft piano with rain', music_length_ms: 10_000 });
    expect(Math.abs(result.durationSec - 4)).toBeLessThan(4 * 0.02);
  });

  it('a prompt ElevenLabs refuses (bad_prompt) fails permanently with its suggestion', async () => {
    const done = await settle('ai.music', { durationSec: 10, prompt: 'a song like Taylor Swift' });
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'PROVIDER_ERROR', retryable: false });
    expect(done.error!.message).toContain('elevenlabs answered 400: The prompt references copyrighted material');
    keysStayOut(done);
  });

  it('ai.avatar uploads the portrait artifact, creates a D-ID talk from text, polls it through created and started, and stores the MP4', async () => {
    const portrait = await system.artifacts.putStream(Readable.from([testPng(256, 256)]), {
      name: 'portrait.png',
      contentType: 'image/png',
      project: 'default',
    });
    const before = did.requests.length;
    const text = 'Welcome to the channel, here is today in one minute.';
    const result = await succeed<AvatarOutput>('ai.avatar', { image: portrait.id, text, voice: 'en-GB-SoniaNeural' });
    const calls = did.requests.slice(before);
    expect(calls.map((c) => `${c.method} ${c.path.replace(/tlk_[\w-]+/, '{id}')}`)).toEqual([
      'POST /images',
      'POST /talks',
      'GET /talks/{id}',
      'GET /talks/{id}',
      'GET /talks/{id}',
    ]);
    expect(calls[0]!.body.image).toMatchObject({ name: 'portrait.png', type: 'image/png' });
    expect(calls[1]!.body).toMatchObject({
      source_url: expect.stringMatching(/^s3:\/\/d-id-images-prod\//),
      script: { type: 'text', input: text, provider: { type: 'microsoft', voice_id: 'en-GB-SoniaNeural' } },
      config: { result_format: 'mp4' },
    });
    expect(result).toMatchObject({ provider: 'd-id', width: 256, height: 256, providerJobId: expect.stringMatching(/^tlk_/) });
    expect(result.video).toMatchObject({ contentType: 'video/mp4', name: 'avatar.mp4' });
    const { streams, durationSec } = await probe(await downloadArtifact(system.artifacts, result.video.id, 'avatar.mp4'));
    expect(streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(Math.abs(durationSec - text.length * DID_SECONDS_PER_CHAR)).toBeLessThan(0.2);
    expect(Math.abs(result.durationSec - durationSec)).toBeLessThan(0.1);
  });

  it('ai.avatar lip-syncs to a voice track artifact by uploading it as the audio script', async () => {
    const voice = await system.artifacts.putStream(Readable.from([toneWav(1.5)]), {
      name: 'voice.wav',
      contentType: 'audio/wav',
      project: 'default',
    });
    const before = did.requests.length;
    const result = await succeed<AvatarOutput>('ai.avatar', { imageUrl: 'https://images.example.com/host.jpg', audio: voice.id });
    const calls = did.requests.slice(before);
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/audios', body: { audio: { name: 'voice.wav', type: 'audio/wav' } } });
    expect(calls[1]!.body).toMatchObject({
      source_url: 'https://images.example.com/host.jpg',
      script: { type: 'audio', audio_url: expect.stringMatching(/^s3:\/\/d-id-audios-prod\//) },
    });
    expect(Math.abs(result.durationSec - 1.5)).toBeLessThan(0.2);
  });

  it("a talk that ends in error (no face found) fails permanently with D-ID's description", async () => {
    const done = await settle('ai.avatar', { imageUrl: 'https://images.example.com/no-face.jpg', text: 'Hello there.' });
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'PROVIDER_ERROR', retryable: false });
    expect(done.error!.message).toMatch(/^d-id: talk tlk_[\w-]+ ended error: Face not detected in the source image$/);
    keysStayOut(done);
  });

  it("a talk D-ID refuses at creation (unknown voice) fails permanently with D-ID's description", async () => {
    const done = await settle('ai.avatar', { imageUrl: 'https://images.example.com/host.jpg', text: 'Hello there.', voice: 'robot-voice' });
    expect(done).toMatchObject({ status: 'failed', attempts: 1 });
    expect(done.error!.message).toBe('d-id answered 400: voice robot-voice not found for provider microsoft');
  });

  it('a portrait from another project is not found, and nothing is sent to D-ID', async () => {
    const theirs = await system.artifacts.putStream(Readable.from([testPng(64, 64)]), {
      name: 'theirs.png',
      contentType: 'image/png',
      project: 'other',
    });
    const before = did.requests.length;
    const done = await settle('ai.avatar', { image: theirs.id, text: 'Hello there.' });
    expect(done.error).toMatchObject({ code: 'ARTIFACT_NOT_FOUND', retryable: false });
    expect(did.requests.length).toBe(before);
  });
});

describe('a second configuration: dall-e-3 answering with URLs, D-ID under 3 requests a minute (local servers)', () => {
  let system: TestSystem;
  let images: OpenAiImagesServer;
  let did: DidServer;

  beforeAll(async () => {
    [images, did] = await Promise.all([startOpenAiImagesServer({ apiKey: IMAGES_KEY }), startDidServer({ apiKey: DID_KEY })]);
    system = await startTestSystem();
    await system.startService(AI_MAIN, {
      AI_IMAGE_PROVIDER: 'openai',
      AI_BASE_URL: images.baseUrl,
      AI_API_KEY: IMAGES_KEY,
      AI_IMAGE_MODEL: 'dall-e-3',
      AI_IMAGE_SIZE: '1024x1792',
      AI_IMAGE_RESPONSE_FORMAT: 'url',
      AI_AVATAR_PROVIDER: 'd-id',
      DID_BASE_URL: did.baseUrl,
      DID_API_KEY: DID_KEY,
      AI_AVATAR_POLL_MS: '100',
      AI_REQUESTS_PER_MINUTE: '3',
    });
  });
  afterAll(async () => {
    await system.close();
    await Promise.all([images.close(), did.close()]);
  });

  it('status polls do not spend the rate budget: a talk polled three times finishes in one attempt under a 3-per-minute limit', async () => {
    const portrait = await system.artifacts.putStream(Readable.from([testPng(128, 128)]), {
      name: 'host.png',
      contentType: 'image/png',
      project: 'default',
    });
    const { job } = await system.client.enqueue({ type: 'ai.avatar', input: { image: portrait.id, text: 'Three polls and done.' } });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, freeRedeliveries: 0 });
    const calls = did.requests.map((r) => `${r.method} ${r.path.replace(/tlk_[\w-]+/, '{id}')}`);
    expect(calls).toEqual(['POST /images', 'POST /talks', 'GET /talks/{id}', 'GET /talks/{id}', 'GET /talks/{id}']);
  });

  it('sends response_format url, downloads the picture from the returned URL, keeps the revised prompt and crops to 720x1280', async () => {
    const { job } = await system.client.enqueue({
      type: 'ai.image',
      input: { prompt: 'A fox in a snowy forest', width: 720, height: 1280 },
    });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    const result = done.result as ImageOutput;
    expect(images.requests[0]!.body).toEqual({
      model: 'dall-e-3',
      prompt: 'A fox in a snowy forest',
      n: 1,
      size: '1024x1792',
      response_format: 'url',
    });
    expect(images.downloads).toHaveLength(1);
    expect(result).toMatchObject({
      model: 'dall-e-3',
      width: 720,
      height: 1280,
      revisedPrompt: 'A detailed illustration: A fox in a snowy forest',
    });
    expect(result.usage).toEqual({ requests: 1 });
    const { streams } = await probe(await downloadArtifact(system.artifacts, result.image.id, 'image.png'));
    expect(streams[0]).toMatchObject({ codec_name: 'png', width: 720, height: 1280 });
  });
});
