// Times the ai service's offline media engines in this process, without the queue: the
// illustrator (SVG composition + resvg) for a 1080x1920 picture, and the music bed
// (ffmpeg synthesis + two-pass loudnorm + final measurement) for 30 s and 60 s beds.
// Run after a build:  node scripts/bench/ai-media-engines.mjs [rounds] [image|music|all]
// On a shared machine wall times follow the load; `time` around one part gives its CPU
// seconds (ffmpeg children included), which do not.
// The job context is the runtime's own ChildProcesses and an AbortSignal; nothing is stored.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

// Resolved from the ai service, whose dependency the runtime is.
const dist = new URL('../../services/ai/dist/', import.meta.url);
const fromAi = createRequire(new URL('../../services/ai/package.json', import.meta.url));
const { ChildProcesses } = await import(fromAi.resolve('@reelay/runtime'));
const { OfflineIllustrator } = await import(new URL('images/offline-illustrator.js', dist).href);
const { OfflineSynth } = await import(new URL('music/offline-synth.js', dist).href);
const { measureLoudness, normalizeLoudness } = await import(new URL('music/loudness.js', dist).href);

const rounds = Number(process.argv[2] ?? 3);
const what = process.argv[3] ?? 'all';
const ctx = { signal: new AbortController().signal, children: new ChildProcesses(), progress() {}, keepAlive() {} };
const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-ai-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const hints = [
  'B-roll of sourdough bread, caption "Step 1"',
  'A city skyline at night',
  'Ocean waves at sunset',
  'Chart of savings growing',
];
const illustrator = new OfflineIllustrator();
if (what !== 'music') {
  const imageMs = [];
  for (let i = 0; i < rounds * hints.length; i++) {
    const prompt = hints[i % hints.length];
    const request = { prompt, width: 1080, height: 1920, seed: i, sceneIndex: i, layers: false, name: 'b' };
    imageMs.push(await time(() => illustrator.draw(request, dir, ctx)));
  }
  const summary = `min ${Math.min(...imageMs).toFixed(0)}, max ${Math.max(...imageMs).toFixed(0)}`;
  console.log(`ai.image offline 1080x1920: median ${median(imageMs).toFixed(0)} ms over ${imageMs.length} pictures (${summary})`);
}

const synth = new OfflineSynth();
for (const durationSec of what === 'image' ? [] : [30, 60]) {
  const ms = [];
  for (let r = 0; r < rounds; r++) {
    ms.push(
      await time(async () => {
        const raw = await synth.compose({ durationSec, mood: 'friendly', targetLufs: -20, fadeSec: 1.5, seed: r, name: 'b' }, dir, ctx);
        const measured = await measureLoudness(ctx, raw.file);
        const out = path.join(dir, 'bed.wav');
        await normalizeLoudness(ctx, raw.file, out, -20, measured);
        await measureLoudness(ctx, out);
      }),
    );
  }
  const speed = (durationSec / (median(ms) / 1000)).toFixed(1);
  console.log(
    `ai.music offline ${durationSec} s bed: median ${(median(ms) / 1000).toFixed(2)} s over ${rounds} rounds (${speed}x real time)`,
  );
}
await rm(dir, { recursive: true, force: true });
