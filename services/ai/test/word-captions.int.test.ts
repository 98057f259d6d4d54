import { fileURLToPath } from 'node:url';
import type { CaptionsOutput, TtsOutput } from '@reelay/contracts';
import { startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactText } from './media-files.js';

const AI_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Word captions through a real ai service: flite's voice, pocketsphinx's alignment, the ASS script read back. */
describe('ai.captions word captions', () => {
  let system: TestSystem;
  let voice: TtsOutput;

  beforeAll(async () => {
    system = await startTestSystem();
    await system.startService(AI_MAIN, { AI_CONCURRENCY: '1' });
    voice = await run<TtsOutput>('ai.tts', {
      script: {
        scenes: [
          { text: 'Mornings get easier with one small habit.' },
          { text: 'Put your phone in another room. Then drink a glass of water.' },
          // "Zorblax" is in no pronouncing dictionary: this sentence cannot be force-aligned.
          { text: 'Zorblax says follow for more.' },
        ],
      },
      voice: 'slt',
    });
  }, 120_000);
  afterAll(() => system.close());

  async function run<T>(type: string, input: unknown): Promise<T> {
    const { job } = await system.client.enqueue({ type, input });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 90_000);
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    return done.result as T;
  }

  it('forced alignment times every word inside its sentence, in order, and writes an ASS script that highlights each', async () => {
    // flite times no words of its own: its voice comes with none, and the captions align the audio.
    expect(voice.words).toEqual([]);
    const out = await run<CaptionsOutput>('ai.captions', {
      sentences: voice.sentences,
      words: voice.words,
      audio: voice.audio.id,
      wordCaptions: { width: 540, height: 960 },
    });
    expect(out.alignment).toEqual({ aligned: 3, fellBack: 1 });
    const words = out.words ?? [];
    expect(words.map((w) => w.word).join(' ')).toBe(voice.sentences.map((s) => s.text).join(' '));
    for (const w of words) {
      const sentence = voice.sentences[w.sentenceIndex]!;
      expect(w.startSec).toBeGreaterThanOrEqual(sentence.startSec - 1e-3); // times are kept to the millisecond
      expect(w.endSec).toBeLessThanOrEqual(sentence.endSec + 1e-3);
      expect(w.endSec).toBeGreaterThan(w.startSec);
      expect(w.source).toBe(sentence.text.startsWith('Zorblax') ? 'proportional' : 'forced-alignment');
    }
    for (let i = 1; i < words.length; i++) expect(words[i]!.startSec).toBeGreaterThanOrEqual(words[i - 1]!.startSec);
    // The first word is not at the sentence's very start: flite's voice opens with ~0.2 s of silence, and alignment finds it.
    expect(words[0]!.startSec).toBeGreaterThan(voice.sentences[0]!.startSec + 0.05);

    const ass = await artifactText(system.artifacts, out.ass!.id);
    expect(ass.startsWith('[Script Info]')).toBe(true);
    expect(ass).toContain('PlayResX: 540\nPlayResY: 960');
    const events = ass.split('\n').filter((l) => l.startsWith('Dialogue:'));
    expect(events).toHaveLength(words.length);
    expect(events[0]).toContain('{\\1c&H00D4FF&\\fscx112\\fscy112}MORNINGS{\\r}');
  }, 120_000);

  it('scene spans follow the voice: they start at 0, meet end to start, and add up to the voice plus the tail', async () => {
    const out = await run<CaptionsOutput>('ai.captions', { sentences: voice.sentences, sceneTailSec: 0.5 });
    const scenes = out.scenes ?? [];
    expect(scenes.map((s) => s.sceneIndex)).toEqual([0, 1, 2]);
    expect(scenes[0]!.startSec).toBe(0);
    expect(scenes[1]!.startSec).toBeCloseTo(voice.sentences[1]!.startSec, 3);
    expect(scenes[2]!.startSec).toBeCloseTo(voice.sentences[3]!.startSec, 3);
    const total = scenes.reduce((n, s) => n + s.durationSec, 0);
    expect(total).toBeCloseTo(voice.durationSec + 0.5, 1);
    expect(out.words).toBeUndefined();
  });

  it('words an engine reported are used as given, each in the sentence it falls in', async () => {
    const first = voice.sentences[0]!;
    const out = await run<CaptionsOutput>('ai.captions', {
      sentences: voice.sentences,
      words: [
        { word: 'Mornings', startSec: first.startSec + 0.2, endSec: first.startSec + 0.6 },
        { word: 'more.', startSec: voice.durationSec - 0.5, endSec: voice.durationSec - 0.1 },
      ],
      wordCaptions: {},
    });
    expect(out.words?.map((w) => [w.word, w.source, w.sentenceIndex])).toEqual([
      ['Mornings', 'engine', 0],
      ['more.', 'engine', 3],
    ]);
    expect(out.alignment).toBeUndefined();
  });

  it('a voice artifact that does not exist fails the job without retrying', async () => {
    const { job } = await system.client.enqueue({
      type: 'ai.captions',
      input: { sentences: voice.sentences, audio: 'no-such-artifact-0000', wordCaptions: {} },
      maxAttempts: 1,
    });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toMatch(/NOT_FOUND/);
  });
});
