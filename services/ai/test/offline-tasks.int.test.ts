import { fileURLToPath } from 'node:url';
import type { CaptionsOutput, QualityOutput, ScriptOutput, TranscribeOutput, TtsOutput } from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactText, downloadArtifact, ffprobeDuration, parseSrt } from './media-files.js';
import { wordErrorRate } from './word-error-rate.js';

const AI_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** A known script for the voice → transcription round trip: plain words, no digits. */
const SCRIPT =
  'Short videos grab attention in the first few seconds. Start with a bold question and answer it quickly. ' +
  'Keep every sentence simple and clear. Finish with one action your viewers can take today.';

describe('ai service offline engines (no provider configured)', () => {
  let system: TestSystem;
  let voice: TtsOutput;

  beforeAll(async () => {
    system = await startTestSystem();
    await system.startService(AI_MAIN, { AI_CONCURRENCY: '2' });
  });
  afterAll(() => system.close());

  async function run<T>(type: string, input: unknown): Promise<T> {
    const { job } = await system.client.enqueue({ type, input });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 90_000);
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    expect(done.status).toBe('succeeded');
    return done.result as T;
  }

  it('ai.script writes a usable template script from the topic, sized to the target length', async () => {
    const script = await run<ScriptOutput>('ai.script', { topic: 'Morning routines for remote workers', targetSeconds: 40 });
    expect(script.provider).toBe('offline-template');
    expect(script.scenes.length).toBeGreaterThanOrEqual(4);
    expect(script.scenes.map((s) => s.index)).toEqual(script.scenes.map((_, i) => i));
    expect(script.scenes.some((s) => s.text.toLowerCase().includes('morning routines'))).toBe(true);
    expect(script.totalSeconds).toBeGreaterThan(36);
    expect(script.totalSeconds).toBeLessThan(44);
    for (const scene of script.scenes) expect(scene.visual.length).toBeGreaterThan(0);
  });

  it('ai.hashtags extracts the text’s keywords as camel-case tags and adds the platform tag', async () => {
    const text =
      'Sourdough bread needs a lively starter. Feed the sourdough starter twice a day. ' +
      'Bake the sourdough bread in a hot oven for a crisp crust.';
    const out = await run<{ hashtags: string[]; provider: string }>('ai.hashtags', { text, count: 5, platform: 'tiktok' });
    expect(out.provider).toBe('offline-analysis');
    expect(out.hashtags).toHaveLength(5);
    expect(out.hashtags[0]).toMatch(/^#Sourdough/);
    expect(out.hashtags).toContain('#fyp');
    expect(out.hashtags.some((t) => /Starter/.test(t))).toBe(true);
  });

  it('ai.variations rewrites a hook with distinct devices', async () => {
    const out = await run<{ variations: { text: string; angle: string }[] }>('ai.variations', {
      text: 'Meal prep saves hours every week',
      count: 4,
    });
    expect(out.variations).toHaveLength(4);
    expect(new Set(out.variations.map((v) => v.angle)).size).toBe(4);
    expect(new Set(out.variations.map((v) => v.text)).size).toBe(4);
    expect(out.variations.every((v) => /meal prep/i.test(v.text))).toBe(true);
  });

  it('ai.quality passes plain, well-paced narration and fails dense, overlong text with reasons', async () => {
    const good = await run<QualityOutput>('ai.quality', { text: SCRIPT, targetSeconds: 14 });
    expect(good.provider).toBe('offline-analysis');
    expect(good.metrics.words).toBe(33);
    expect(good.metrics.sentences).toBe(4);
    expect(good.metrics.fleschReadingEase).toBeGreaterThan(60);
    expect(good.passed).toBe(true);

    const dense =
      'Notwithstanding considerable organizational heterogeneity, interdisciplinary collaboration methodologies ' +
      'fundamentally necessitate comprehensive institutional commitment, sophisticated communication infrastructure, ' +
      'and continuous evaluation of operational effectiveness across geographically distributed implementation contexts.';
    const bad = await run<QualityOutput>('ai.quality', { text: dense, targetSeconds: 5 });
    expect(bad.passed).toBe(false);
    expect(bad.score).toBeLessThan(good.score);
    const failed = bad.checks.filter((c) => !c.passed).map((c) => c.name);
    expect(failed).toEqual(expect.arrayContaining(['readability', 'pacing', 'hook']));
    expect(bad.checks.find((c) => c.name === 'pacing')!.reason).toMatch(/cut about \d+ words/);
  });

  it('ai.tts voices each sentence with flite slt and the timings add up to the track ffprobe measures', async () => {
    voice = await run<TtsOutput>('ai.tts', { text: SCRIPT });
    expect(voice.provider).toBe('flite');
    expect(voice.voice).toBe('slt');
    expect(voice.sentences).toHaveLength(4);
    expect(voice.audio.contentType).toBe('audio/wav');
    const file = await downloadArtifact(system.artifacts, voice.audio.id, 'voice.wav');
    const measured = await ffprobeDuration(file);
    expect(Math.abs(measured - voice.durationSec)).toBeLessThan(0.01);
    expect(Math.abs(voice.sentences.at(-1)!.endSec - measured)).toBeLessThan(0.01);
    expect(voice.sentences[0]!.startSec).toBe(0);
    for (const [i, s] of voice.sentences.entries()) {
      expect(s.endSec).toBeGreaterThan(s.startSec);
      // 250 ms of silence between sentences, whole samples at 22.05 kHz.
      if (i > 0) expect(s.startSec - voice.sentences[i - 1]!.endSec).toBeCloseTo(0.25, 3);
    }
  });

  it('ai.tts selects espeak-ng for its voices and honours rate; an unknown voice fails permanently', async () => {
    const slow = await run<TtsOutput>('ai.tts', { text: 'Keep every sentence simple and clear.', voice: 'en-us', rate: 0.75 });
    const fast = await run<TtsOutput>('ai.tts', { text: 'Keep every sentence simple and clear.', voice: 'en-us', rate: 1.5 });
    expect(slow.provider).toBe('espeak-ng');
    expect(fast.durationSec).toBeLessThan(slow.durationSec * 0.75);
    const measured = await ffprobeDuration(await downloadArtifact(system.artifacts, fast.audio.id, 'fast.wav'));
    expect(Math.abs(measured - fast.durationSec)).toBeLessThan(0.01);

    const { job } = await system.client.enqueue({ type: 'ai.tts', input: { text: 'Hello there.', voice: 'no-such-voice' } });
    const failed = await system.waitForStatus(job.id, ['failed']);
    expect(failed.attempts).toBe(1);
    expect(failed.error?.message).toMatch(/unknown voice "no-such-voice"/);
  });

  it('ai.captions cues line up with the per-sentence voice timings and fit vertical video limits', async () => {
    const out = await run<CaptionsOutput>('ai.captions', { sentences: voice.sentences });
    const srt = parseSrt(await artifactText(system.artifacts, out.srt.id));
    const vtt = await artifactText(system.artifacts, out.vtt.id);
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    expect(srt).toHaveLength(out.cues.length);
    for (const sentence of voice.sentences) {
      const cues = out.cues.filter((c) => c.sentenceIndex === sentence.index);
      expect(cues.length).toBeGreaterThan(0);
      expect(Math.abs(cues[0]!.startSec - sentence.startSec)).toBeLessThan(0.05);
      expect(Math.abs(cues.at(-1)!.endSec - sentence.endSec)).toBeLessThan(0.05);
      expect(cues.map((c) => c.lines.join(' ')).join(' ')).toBe(sentence.text);
    }
    for (const [i, cue] of srt.entries()) {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(32);
      expect(cue.endSec - cue.startSec).toBeLessThanOrEqual(3.001);
      expect(Math.abs(cue.startSec - out.cues[i]!.startSec)).toBeLessThan(0.001);
      if (i > 0) expect(cue.startSec).toBeGreaterThanOrEqual(srt[i - 1]!.endSec);
    }
  });

  it('ai.transcribe recovers the offline voice’s words with pocketsphinx, with word timings and an SRT', async () => {
    const out = await run<TranscribeOutput>('ai.transcribe', { audio: voice.audio.id });
    expect(out.provider).toBe('pocketsphinx');
    expect(out.accuracyNote).toMatch(/37%/);
    const wer = wordErrorRate(SCRIPT, out.text);
    // Measured 0.15 (5 of 33 words) for flite slt reading SCRIPT; the bound leaves margin.
    expect(wer).toBeLessThan(0.35);
    expect(out.words.length).toBeGreaterThan(20);
    for (const w of out.words) expect(w.endSec).toBeGreaterThanOrEqual(w.startSec);
    expect(Math.abs(out.durationSec - voice.durationSec)).toBeLessThan(0.05);
    const srt = parseSrt(await artifactText(system.artifacts, out.srt.id));
    expect(srt.length).toBeGreaterThan(0);
  });

  it('a job for an artifact that does not exist fails permanently with ARTIFACT_NOT_FOUND', async () => {
    const { job } = await system.client.enqueue({ type: 'ai.transcribe', input: { audio: 'missing-artifact-0001' } });
    const failed = await system.waitForStatus(job.id, ['failed']);
    expect(failed.error?.code).toBe('ARTIFACT_NOT_FOUND');
    const dead = await waitUntil(() => system.client.getDeadLetter(job.id));
    expect(dead.reason).toBe('permanent');
  });
});
