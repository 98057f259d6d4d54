/**
 * How well word captions follow the voice: the error of ai.captions' word times against
 * times known from the synthesiser itself. A real nats-server and ai service voice three
 * template scripts with ai.tts (flite slt) and time their words with ai.captions (forced
 * alignment against the track, and proportional timing for comparison). The truth is
 * flite's own segment timings (`-psdur`, the end of every phone) for the same sentences,
 * mapped to words by each word's phones (flite's lexicon, `-ps` on the word alone), then
 * placed on the track at the sentence's measured start. Sentences whose phones do not
 * map one to one are left out, and counted.
 *
 *   pnpm --filter @reelay/ai build && node services/ai/dist/captions/alignment-bench.js
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CaptionsOutput, ScriptOutput, TtsOutput } from '@reelay/contracts';
import { startTestSystem } from '@reelay/runtime/testing';
import { tokenize } from './forced-alignment.js';

const run = promisify(execFile);
const topics = ['three habits that make mornings easier', 'why octopuses have three hearts', 'saving money on groceries'];

/** Phones of a text as flite says it, without pauses. */
async function phones(text: string): Promise<{ phone: string; endSec: number }[]> {
  const { stdout } = await run('flite', ['-voice', 'slt', '-psdur', '-t', text, '-o', 'none']);
  return stdout
    .trim()
    .split(/\s+/)
    .map((p) => {
      const [phone, end] = p.split(':');
      return { phone: phone!, endSec: Number(end) };
    });
}

const system = await startTestSystem();
try {
  await system.startService(path.resolve(import.meta.dirname, '../main.js'), { AI_CONCURRENCY: '1' }, /ai ready/);
  const job = async <T>(type: string, input: unknown): Promise<T> => {
    const { job } = await system.client.enqueue({ type, input });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 600_000);
    if (done.status !== 'succeeded') throw new Error(`${type}: ${JSON.stringify(done.error)}`);
    return done.result as T;
  };
  const errors = { 'forced-alignment': [] as number[], proportional: [] as number[] };
  let words = 0;
  let skipped = 0;
  let fellBack = 0;
  let sentencesTotal = 0;
  const wordPhones = new Map<string, number>();
  for (const topic of topics) {
    const script = await job<ScriptOutput>('ai.script', { topic, targetSeconds: 30 });
    const tts = await job<TtsOutput>('ai.tts', { script, voice: 'slt' });
    const aligned = await job<CaptionsOutput>('ai.captions', { sentences: tts.sentences, audio: tts.audio.id });
    const spread = await job<CaptionsOutput>('ai.captions', { sentences: tts.sentences, wordCaptions: {} });
    fellBack += aligned.alignment?.fellBack ?? 0;
    sentencesTotal += tts.sentences.length;
    for (const sentence of tts.sentences) {
      const segs = await phones(sentence.text);
      const spoken = segs.filter((s) => s.phone !== 'pau');
      const tokens = tokenize(sentence.text);
      const counts: number[] = [];
      for (const t of tokens) {
        let n = 0;
        for (const w of t.spoken) {
          if (!wordPhones.has(w)) wordPhones.set(w, (await phones(w)).filter((p) => p.phone !== 'pau').length);
          n += wordPhones.get(w)!;
        }
        counts.push(n);
      }
      if (counts.reduce((a, b) => a + b, 0) !== spoken.length) {
        skipped++;
        continue;
      }
      // A word starts where the phone before its first phone ends.
      const truth: { startSec: number; endSec: number }[] = [];
      let at = 0;
      for (const n of counts) {
        const first = segs.indexOf(spoken[at]!);
        truth.push({ startSec: sentence.startSec + segs[first - 1]!.endSec, endSec: sentence.startSec + spoken[at + n - 1]!.endSec });
        at += n;
      }
      for (const [source, result] of [
        ['forced-alignment', aligned],
        ['proportional', spread],
      ] as const) {
        const mine = (result.words ?? []).filter((w) => w.sentenceIndex === sentence.index);
        if (mine.length !== truth.length) continue;
        mine.forEach((w, i) => {
          if (source === 'forced-alignment' && w.source !== 'forced-alignment') return;
          errors[source].push(Math.abs(w.startSec - truth[i]!.startSec), Math.abs(w.endSec - truth[i]!.endSec));
        });
      }
      words += truth.length;
    }
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p: number) => Math.round(1000 * (s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN));
    return {
      boundaries: s.length,
      meanMs: Math.round((1000 * s.reduce((a, b) => a + b, 0)) / s.length),
      medianMs: q(0.5),
      p90Ms: q(0.9),
      maxMs: q(1),
    };
  };
  console.log(
    JSON.stringify(
      {
        voice: 'flite slt',
        sentences: sentencesTotal,
        sentencesWithoutTruth: skipped,
        sentencesFellBack: fellBack,
        wordsCompared: words,
        forcedAlignment: stats(errors['forced-alignment']),
        proportional: stats(errors.proportional),
      },
      null,
      1,
    ),
  );
} finally {
  await system.close();
}
