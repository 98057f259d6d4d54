import { fileURLToPath } from 'node:url';
import type { CaptionsOutput, TtsOutput } from '@reelay/contracts';
import { type ServiceProcess, startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELEVENLABS_SECONDS_PER_CHAR, type ElevenLabsServer, startElevenLabsServer } from './elevenlabs-server.js';
import { downloadArtifact, ffprobeDuration, soundingSpans } from './media-files.js';

const AI_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const API_KEY = 'xi-test-7c1e9b2a4d6f8a0b';
const VOICE_ID = '21m00Tcm4TlvDq8ikWAM';
const UNALIGNED = 'This one is not.';
const UNREADABLE = 'Nobody can read this answer.';

describe('ai.tts through ElevenLabs (local server)', () => {
  let system: TestSystem;
  let server: ElevenLabsServer;
  let service: ServiceProcess;

  beforeAll(async () => {
    server = await startElevenLabsServer({
      apiKey: API_KEY,
      voiceId: VOICE_ID,
      faults: { [UNALIGNED]: 'mismatched-alignment', [UNREADABLE]: 'not-json' },
    });
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
    server.requests.length = 0;
    const { job } = await system.client.enqueue({ type: 'ai.tts', input: { text: 'One clear line. And another one.', rate: 1.1 } });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.error).toBeUndefined();
    const result = done.result as TtsOutput;
    expect(result.provider).toBe('elevenlabs');
    expect(result.model).toBe('eleven_multilingual_v2');
    expect(server.requests.map((r) => r.body.text)).toEqual(['One clear line.', 'And another one.']);
    expect(server.requests[0]).toMatchObject({ voiceId: VOICE_ID, endpoint: 'with-timestamps', query: '?output_format=pcm_24000' });
    expect(server.requests[0]!.body).toMatchObject({ model_id: 'eleven_multilingual_v2', voice_settings: { speed: 1.1 } });
    const first = result.sentences[0]!;
    expect(first.endSec - first.startSec).toBeCloseTo('One clear line.'.length * ELEVENLABS_SECONDS_PER_CHAR, 2);
    const measured = await ffprobeDuration(await downloadArtifact(system.artifacts, result.audio.id, 'voice.wav'));
    expect(Math.abs(measured - result.durationSec)).toBeLessThan(0.01);
  });

  async function run<T>(type: string, input: unknown): Promise<T> {
    const { job } = await system.client.enqueue({ type, input });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 90_000);
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    expect(done.attempts).toBe(1);
    return done.result as T;
  }

  it('ElevenLabs’ character times become word times on the track: in order, inside the audio, shifted past each pause', async () => {
    const voice = await run<TtsOutput>('ai.tts', { text: 'One clear line. And another one, said twice.', pauseMs: 300 });
    const [first, second] = voice.sentences;
    expect(second!.startSec).toBeCloseTo(first!.endSec + 0.3, 3);
    // The server's voice: 40 ms a character, from the start of each sentence's audio.
    const at = (sentence: typeof first, chars: number) => sentence!.startSec + chars * ELEVENLABS_SECONDS_PER_CHAR;
    expect(voice.words!.map((w) => [w.word, w.sentenceIndex, w.source])).toEqual([
      ['One', 0, 'engine'],
      ['clear', 0, 'engine'],
      ['line.', 0, 'engine'],
      ['And', 1, 'engine'],
      ['another', 1, 'engine'],
      ['one,', 1, 'engine'],
      ['said', 1, 'engine'],
      ['twice.', 1, 'engine'],
    ]);
    expect(voice.words![3]!.startSec).toBeCloseTo(at(second, 0), 3);
    expect(voice.words![4]!.startSec).toBeCloseTo(at(second, 4), 3);
    expect(voice.words![7]!.endSec).toBeCloseTo(at(second, 28), 3);
    for (const [i, w] of voice.words!.entries()) {
      const sentence = voice.sentences[w.sentenceIndex]!;
      expect(w.startSec).toBeGreaterThanOrEqual(sentence.startSec);
      expect(w.endSec).toBeLessThanOrEqual(sentence.endSec);
      expect(w.endSec).toBeGreaterThan(w.startSec);
      if (i > 0) expect(w.startSec).toBeGreaterThanOrEqual(voice.words![i - 1]!.endSec);
    }
    // Read back from the WAV itself: each word's times are where the track sounds (spaces and pauses are silent).
    const file = await downloadArtifact(system.artifacts, voice.audio.id, 'voice.wav');
    expect(voice.words!.at(-1)!.endSec).toBeLessThanOrEqual((await ffprobeDuration(file)) + 1e-3);
    const sounding = await soundingSpans(file, voice.durationSec);
    expect(sounding).toHaveLength(voice.words!.length);
    for (const [i, span] of sounding.entries()) {
      expect(Math.abs(span.startSec - voice.words![i]!.startSec)).toBeLessThan(0.01);
      expect(Math.abs(span.endSec - voice.words![i]!.endSec)).toBeLessThan(0.01);
    }

    const captions = await run<CaptionsOutput>('ai.captions', {
      sentences: voice.sentences,
      words: voice.words,
      audio: voice.audio.id,
      wordCaptions: { width: 540, height: 960 },
    });
    expect(captions.alignment).toBeUndefined();
    expect(captions.words!.map((w) => [w.word, w.startSec, w.endSec, w.sentenceIndex, w.source])).toEqual(
      voice.words!.map((w) => [w.word, w.startSec, w.endSec, w.sentenceIndex, 'engine']),
    );
    expect(captions.ass).toBeDefined();
  });

  it('an alignment whose arrays disagree is dropped: the voice is kept, has no words, and captions force-align it', async () => {
    server.requests.length = 0;
    const voice = await run<TtsOutput>('ai.tts', { text: `This line is timed. ${UNALIGNED}` });
    expect(server.requests.map((r) => r.body.text)).toEqual(['This line is timed.', UNALIGNED]);
    expect(voice.sentences).toHaveLength(2);
    expect(voice.words).toEqual([]);
    expect(service.output()).toContain('the character timings do not fit the sentence');

    const captions = await run<CaptionsOutput>('ai.captions', {
      sentences: voice.sentences,
      words: voice.words,
      audio: voice.audio.id,
      wordCaptions: {},
    });
    expect(captions.alignment).toBeDefined();
    expect(captions.alignment!.aligned + captions.alignment!.fellBack).toBe(2);
    expect(captions.words!.map((w) => w.word)).toEqual(['This', 'line', 'is', 'timed.', 'This', 'one', 'is', 'not.']);
    expect(captions.words!.some((w) => w.source === 'engine')).toBe(false);
  });

  it('an answer that is not JSON is a retryable PROVIDER_ERROR, retried until the attempts run out', async () => {
    const { job } = await system.client.enqueue({ type: 'ai.tts', input: { text: UNREADABLE }, maxAttempts: 2 });
    const failed = await system.waitForStatus(job.id, ['failed'], 90_000);
    expect(failed.attempts).toBe(2);
    expect(failed.error).toMatchObject({ code: 'PROVIDER_ERROR', retryable: true });
    expect(failed.error?.message).toBe('elevenlabs sent speech with timestamps this client cannot read');
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
