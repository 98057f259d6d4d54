/**
 * Fits speech-pace.ts's constants to a voice: voices every sentence the script template
 * can write (for a few topics) with flite, one sentence per run as ai.tts does, measures
 * each with ffprobe and fits seconds = a + b·syllables + c·breaks by least squares.
 * Prints the fit and its error. A developer tool, not part of the service:
 *
 *   pnpm --filter @reelay/ai build && node services/ai/dist/text/pace-calibration.js [voice]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { templateScript } from './script-template.js';
import { splitSentences } from './sentences.js';
import { DEFAULT_PACE, sentenceSeconds } from './speech-pace.js';
import { syllables } from './syllables.js';
import { words } from './words.js';

const run = promisify(execFile);
const voice = process.argv[2] ?? 'slt';
const topics = ['three habits that make mornings easier', 'why octopuses have three hearts', 'saving money on groceries'];

const sentences = new Set<string>();
for (const topic of topics)
  for (const targetSeconds of [10, 15, 20, 30, 40, 60])
    for (const sceneCount of [undefined, 3, 5, 8]) {
      const script = templateScript({ topic, audience: 'beginners', tone: 'friendly', targetSeconds, reservedSeconds: 0, sceneCount });
      for (const scene of script.scenes) for (const s of splitSentences(scene.text)) sentences.add(s);
    }

const dir = await mkdtemp(path.join(os.tmpdir(), 'pace-'));
const rows: { s: string; syl: number; breaks: number; sec: number }[] = [];
for (const [i, s] of [...sentences].entries()) {
  const file = path.join(dir, `${i}.wav`);
  await run('flite', ['-voice', voice, '-t', s, '-o', file]);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  rows.push({ s, syl: words(s).reduce((n, w) => n + syllables(w), 0), breaks: (s.match(/[,;:—]/g) ?? []).length, sec: Number(stdout) });
}
await rm(dir, { recursive: true, force: true });

// Normal equations for [1, syl, breaks].
const X = rows.map((r) => [1, r.syl, r.breaks]);
const y = rows.map((r) => r.sec);
const xtx = [0, 1, 2].map((i) => [0, 1, 2].map((j) => X.reduce((n, x) => n + x[i]! * x[j]!, 0)));
const xty = [0, 1, 2].map((i) => X.reduce((n, x, k) => n + x[i]! * y[k]!, 0));
const [a, b, c] = solve3(xtx, xty);
const err = (f: (r: (typeof rows)[number]) => number) => {
  const e = rows.map((r) => Math.abs(f(r) - r.sec) / r.sec);
  return { meanPct: (100 * e.reduce((n, v) => n + v, 0)) / e.length, maxPct: 100 * Math.max(...e) };
};
const fitted = { perSentenceSec: a, perSyllableSec: b, perBreakSec: c };
console.log(
  JSON.stringify(
    {
      voice,
      sentences: rows.length,
      fitted,
      fitError: err((r) => a + b * r.syl + c * r.breaks),
      defaultPace: DEFAULT_PACE,
      defaultError: err((r) => sentenceSeconds(r.s)),
    },
    null,
    1,
  ),
);

function solve3(m: number[][], v: number[]): [number, number, number] {
  const det = (q: number[][]) =>
    q[0]![0]! * (q[1]![1]! * q[2]![2]! - q[1]![2]! * q[2]![1]!) -
    q[0]![1]! * (q[1]![0]! * q[2]![2]! - q[1]![2]! * q[2]![0]!) +
    q[0]![2]! * (q[1]![0]! * q[2]![1]! - q[1]![1]! * q[2]![0]!);
  const d = det(m);
  const col = (k: number) => m.map((row, i) => row.map((x, j) => (j === k ? v[i]! : x)));
  return [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
}
