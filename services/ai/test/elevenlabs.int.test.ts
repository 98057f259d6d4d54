import { fileURLToPath } from 'node:url';
import type { TtsOutput } from '@reelay/contracts';
import { type ServiceProcess, startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELEVENLABS_SECONDS_PER_CHAR, type ElevenLabsServer, startElevenLabsServer } from './elevenlabs-server.js';
import { downloadArtifact, ffprobeDuration } from './media-files.js';

const AI_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const API_KEY = 'xi-test-7c1e9b2a4d6f8a0b';
const VOICE_ID = '21m00Tcm4TlvDq8ikWAM';

describe('ai.tts through ElevenLabs (local server)', () => {
  let system: TestSystem;
  let server: ElevenLabsServer;
  let service: ServiceProcess;

  beforeAll(async () => {
    server = await startElevenLabsServer({ apiKey: API_KEY, voiceId: VOICE_ID });
    system = await startTestSystem();
    service = await system.startService(AI_MAIN, {
      AI_TTS_PROVIDER: 'elevenlabs',
      ELEVENLABS_BASE_URL: server.baseUrl,
      ELEVENLABS_API_KEY: API_KEY,
      AI_TTS_VOICE: VOICE_ID,
    });
  });
  afterAll(async () => {
    await system.close();
    await server.close();
  });

  it('wraps the PCM it returns into the voice track, timed per sentence', async () => {
    const { job } = await system.client.enqueue({ type: 'ai.tts', input: { text: 'One clear line. And another one.', rate: 1.1 } });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.error).toBeUndefined();
    const result = done.result as TtsOutput;
    expect(result.provider).toBe('elevenlabs');
    expect(result.model).toBe('eleven_multilingual_v2');
    expect(server.requests.map((r) => r.body.text)).toEqual(['One clear line.', 'And another one.']);
    expect(server.requests[0]).toMatchObject({ voiceId: VOICE_ID, query: '?output_format=pcm_24000' });
    expect(server.requests[0]!.body).toMatchObject({ model_id: 'eleven_multilingual_v2', voice_settings: { speed: 1.1 } });
    const first = result.sentences[0]!;
    expect(first.endSec - first.startSec).toBeCloseTo('One clear line.'.length * ELEVENLABS_SECONDS_PER_CHAR, 2);
    const measured = await ffprobeDuration(await downloadArtifact(system.artifacts, result.audio.id, 'voice.wav'));
    expect(Math.abs(measured - result.durationSec)).toBeLessThan(0.01);
  });

  it('an unknown voice id fails permanently with ElevenLabs’ message, and the key stays out of the record', async () => {
    const { job } = await system.client.enqueue({ type: 'ai.tts', input: { text: 'Hello.', voice: 'missing-voice' } });
    const failed = await system.waitForStatus(job.id, ['failed']);
    expect(failed.attempts).toBe(1);
    expect(failed.error?.code).toBe('PROVIDER_ERROR');
    expect(failed.error?.message).toBe('elevenlabs answered 400: A voice with the voice_id missing-voice was not found.');
    expect(JSON.stringify(failed)).not.toContain(API_KEY);
    expect(service.output()).not.toContain(API_KEY);
  });
});
