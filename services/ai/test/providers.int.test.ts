import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HashtagsOutput, QualityOutput, ScriptOutput, TranscribeOutput, TtsOutput, VariationsOutput } from '@reelay/contracts';
import { type ServiceProcess, startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactText, downloadArtifact, ffprobeDuration, parseSrt } from './media-files.js';
import {
  apiError,
  chatCompletion,
  type OpenAiCompatibleServer,
  SPEECH_SECONDS_PER_CHAR,
  startOpenAiCompatibleServer,
} from '@reelay/ai-providers/testing';
import { toneWav } from './wav-tone.js';

const AI_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const API_KEY = 'sk-test-3f9a1c0b7e2d4a6f8b1c2d3e';
const TRANSCRIPT = 'Hello from the local whisper server. Every word has a time.';

describe('ai service against an OpenAI-compatible provider (local server)', () => {
  let system: TestSystem;
  let server: OpenAiCompatibleServer;
  let service: ServiceProcess;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer({ apiKey: API_KEY, transcript: TRANSCRIPT });
    system = await startTestSystem();
    service = await system.startService(AI_MAIN, {
      AI_BASE_URL: server.baseUrl,
      AI_API_KEY: API_KEY,
      AI_MODEL: 'local-model-1',
      AI_PRICE_INPUT_PER_1M_TOKENS_USD: '0.15',
      AI_PRICE_OUTPUT_PER_1M_TOKENS_USD: '0.6',
      AI_TTS_PROVIDER: 'openai',
      AI_STT_PROVIDER: 'openai',
      AI_STT_PRICE_PER_MINUTE_USD: '0.006',
      LOG_LEVEL: 'debug',
    });
  });
  afterAll(async () => {
    await system.close();
    await server.close();
  });

  const requestsSince = (n: number, path: string) => server.requests.slice(n).filter((r) => r.path === path);

  async function succeed<T>(type: string, input: unknown) {
    const { job } = await system.client.enqueue({ type, input });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    expect(done.status).toBe('succeeded');
    return { record: done, result: done.result as T };
  }

  it('ai.script asks for json_schema structured output and records model, token usage and cost', async () => {
    const before = server.requests.length;
    const { result } = await succeed<ScriptOutput>('ai.script', { topic: 'Learning to juggle', targetSeconds: 30 });
    const [request] = requestsSince(before, '/v1/chat/completions');
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.body.model).toBe('local-model-1');
    expect(request!.body.response_format.type).toBe('json_schema');
    expect(request!.body.response_format.json_schema.name).toBe('video_script');
    expect(request!.body.response_format.json_schema.schema.properties.scenes.type).toBe('array');
    expect(request!.body.messages[1].content).toContain('Learning to juggle');
    expect(result.provider).toBe('openai-compatible');
    expect(result.model).toBe('local-model-1');
    expect(result.scenes).toHaveLength(3);
    // Durations follow what the voice will take (the pace model), not the model's own guess.
    expect(result.scenes.every((s) => s.durationSec > 0)).toBe(true);
    expect(result.totalSeconds).toBeCloseTo(
      result.scenes.reduce((sum, s) => sum + s.durationSec, 0),
      1,
    );
    const usage = result.usage!;
    expect(usage.requests).toBe(1);
    expect(usage.totalTokens).toBe(usage.promptTokens! + usage.completionTokens!);
    const expectedCost = (usage.promptTokens! * 0.15 + usage.completionTokens! * 0.6) / 1e6;
    expect(usage.costUsd).toBeCloseTo(expectedCost, 6);
  });

  it('an invalid JSON answer gets one correction round and the job succeeds on the same attempt', async () => {
    const before = server.requests.length;
    server.enqueue('/v1/chat/completions', chatCompletion('Sure! Here are your hashtags: #one #two'));
    const { record, result } = await succeed<HashtagsOutput>('ai.hashtags', { text: 'Juggling for beginners', count: 3 });
    const requests = requestsSince(before, '/v1/chat/completions');
    expect(requests).toHaveLength(2);
    const retry = requests[1]!.body.messages;
    expect(retry.at(-2)).toEqual({ role: 'assistant', content: 'Sure! Here are your hashtags: #one #two' });
    expect(retry.at(-1).content).toMatch(/not valid: not JSON/);
    expect(record.attempts).toBe(1);
    expect(result.hashtags).toEqual(['#modelhashtags1', '#modelhashtags2', '#modelhashtags3']);
    expect(result.usage!.requests).toBe(2);
    expect(result.usage!.promptTokens).toBeGreaterThan(120);
  });

  it('a 429 with Retry-After hands the job back without spending an attempt, then it succeeds', async () => {
    server.enqueue(
      '/v1/chat/completions',
      apiError(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded', { 'retry-after': '1' }),
    );
    const { record, result } = await succeed<VariationsOutput>('ai.variations', { text: 'Juggling is easier than it looks', count: 2 });
    expect(record.attempts).toBe(1);
    expect(record.freeRedeliveries).toBe(1);
    expect(record.errors).toEqual([]);
    expect(result.variations).toHaveLength(2);
  });

  it('a 5xx is retried with backoff, the failed attempt recorded as PROVIDER_ERROR', async () => {
    server.enqueue('/v1/chat/completions', apiError(500, 'The server had an error while processing your request.', 'server_error', null));
    const { record, result } = await succeed<QualityOutput>('ai.quality', { text: 'Juggling takes practice. Start with one ball.' });
    expect(record.attempts).toBe(2);
    expect(record.errors.map((e) => e.code)).toEqual(['PROVIDER_ERROR']);
    expect(record.errors[0]!.message).toContain('The server had an error');
    expect(result.provider).toBe('openai-compatible');
    expect(result.metrics.words).toBe(7);
  });

  it('a 400 fails permanently into the DLQ with the provider’s message', async () => {
    server.enqueue(
      '/v1/chat/completions',
      apiError(400, "Invalid schema for response_format 'video_script'.", 'invalid_request_error', null),
    );
    const { job } = await system.client.enqueue({ type: 'ai.script', input: { topic: 'Juggling clubs' } });
    const failed = await system.waitForStatus(job.id, ['failed']);
    expect(failed.attempts).toBe(1);
    expect(failed.error?.code).toBe('PROVIDER_ERROR');
    expect(failed.error?.retryable).toBe(false);
    expect(failed.error?.message).toContain("Invalid schema for response_format 'video_script'.");
    const dead = await waitUntil(() => system.client.getDeadLetter(job.id));
    expect(dead.reason).toBe('permanent');
    expect(dead.error.message).toContain('Invalid schema');
  });

  it('the API key never appears in job records, dead letters or logs, even when the provider echoes it', async () => {
    server.enqueue(
      '/v1/chat/completions',
      apiError(
        401,
        `Incorrect API key provided: ${API_KEY}. You can find your API key at the dashboard.`,
        'invalid_request_error',
        API_KEY,
      ),
    );
    const { job } = await system.client.enqueue({ type: 'ai.hashtags', input: { text: 'Juggling rings' } });
    const failed = await system.waitForStatus(job.id, ['failed']);
    const dead = await waitUntil(() => system.client.getDeadLetter(job.id));
    expect(failed.error?.message).toContain('Incorrect API key provided: [redacted]');
    expect(JSON.stringify(failed)).not.toContain(API_KEY);
    expect(JSON.stringify(dead)).not.toContain(API_KEY);
    expect(service.output()).not.toContain(API_KEY);
    expect(service.output()).toContain('job dead-lettered');
  });

  it('ai.tts through /v1/audio/speech times each sentence from the audio it returns', async () => {
    const before = server.requests.length;
    const text = 'Juggling builds focus. It also builds patience!';
    const { result } = await succeed<TtsOutput>('ai.tts', { text, voice: 'nova', pauseMs: 0 });
    const requests = requestsSince(before, '/v1/audio/speech');
    expect(requests.map((r) => r.body.input)).toEqual(['Juggling builds focus.', 'It also builds patience!']);
    expect(requests[0]!.body).toMatchObject({ model: 'tts-1', voice: 'nova', response_format: 'wav', speed: 1 });
    expect(result.provider).toBe('openai-compatible');
    expect(result.usage).toMatchObject({ requests: 2, characters: text.length - 1 });
    // /audio/speech returns audio only: no word times, so captions will force-align this voice.
    expect(result.words).toEqual([]);
    const [first, second] = result.sentences;
    expect(first!.endSec - first!.startSec).toBeCloseTo('Juggling builds focus.'.length * SPEECH_SECONDS_PER_CHAR, 2);
    expect(second!.startSec).toBeCloseTo(first!.endSec, 6);
    const measured = await ffprobeDuration(await downloadArtifact(system.artifacts, result.audio.id, 'voice.wav'));
    expect(Math.abs(measured - result.durationSec)).toBeLessThan(0.01);
    expect(Math.abs(second!.endSec - measured)).toBeLessThan(0.01);
  });

  it('ai.transcribe uploads the audio to /v1/audio/transcriptions and keeps verbose_json word timings', async () => {
    const ref = await uploadTone(system);
    const before = server.requests.length;
    const { result } = await succeed<TranscribeOutput>('ai.transcribe', { audio: ref.id, prompt: 'whisper' });
    const [request] = requestsSince(before, '/v1/audio/transcriptions');
    expect(request!.body).toMatchObject({ model: 'whisper-1', response_format: 'verbose_json', language: 'en', prompt: 'whisper' });
    expect(request!.body['timestamp_granularities[]']).toEqual(['word', 'segment']);
    expect(request!.body.file).toMatchObject({ name: 'audio.flac', type: 'audio/flac' });
    expect(request!.body.file.size).toBeGreaterThan(0);
    expect(result.text).toBe(TRANSCRIPT);
    expect(result.words.map((w) => w.word).join(' ')).toBe(TRANSCRIPT.replace(/[.]/g, ''));
    expect(result.segments).toHaveLength(2);
    expect(result.usage).toMatchObject({ requests: 1, audioSeconds: 5, costUsd: 0.0005 });
    const srt = parseSrt(await artifactText(system.artifacts, result.srt.id));
    expect(srt[0]!.startSec).toBe(0);
    expect(srt.flatMap((c) => c.lines).join(' ')).toBe(result.words.map((w) => w.word).join(' '));
  });
});

/** Two seconds of tone, stored as an artifact the way a client would upload one. */
async function uploadTone(system: TestSystem) {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'reelay-ai-tone-')), 'tone.wav');
  await writeFile(file, toneWav(2));
  return system.artifacts.putFile(file, { project: 'default' });
}
