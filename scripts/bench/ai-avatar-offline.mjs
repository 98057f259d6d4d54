// Times the offline ai.avatar engine in this process, without the queue: the text voiced
// by flite (slt), the loudness envelope, the PNG variants (resvg) and the H.264 + AAC
// encode, for a cartoon presenter (portrait URL) and a portrait artifact in its ring.
// Run after a build:  node scripts/bench/ai-avatar-offline.mjs [sentences] [cartoon|portrait|all] [keep-dir]
// Prints wall time and this process's own CPU (resvg, the envelope) per render; `time`
// around the whole run adds the children's (flite, ffmpeg). With keep-dir the MP4s are copied there (cartoon.mp4, portrait.mp4) to look at.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const dist = new URL('../../services/ai/dist/', import.meta.url);
const fromAi = createRequire(new URL('../../services/ai/package.json', import.meta.url));
const { ChildProcesses } = await import(fromAi.resolve('@reelay/runtime'));
const { OfflineAvatar } = await import(new URL('avatar/offline-avatar.js', dist).href);
const { OfflineSynthesizer } = await import(new URL('voice/offline-synthesizer.js', dist).href);
const { cartoonFaceSvg, faceLook } = await import(new URL('avatar/avatar-picture.js', dist).href);
const { renderPng } = await import(new URL('images/render-png.js', dist).href);

const sentences = Number(process.argv[2] ?? 3);
const only = process.argv[3] ?? 'all';
const keep = process.argv[4];
const root = await mkdtemp(path.join(os.tmpdir(), 'reelay-avatar-bench-'));
let dirs = 0;
const tempDir = () => mkdtemp(path.join(root, `d${dirs++}-`));
const log = { info() {}, warn() {}, debug() {}, error() {} };
const ctx = {
  jobId: 'bench',
  signal: new AbortController().signal,
  children: new ChildProcesses(),
  progress() {},
  keepAlive() {},
  log,
  tempDir,
};

const lines = [
  'Hello there, and welcome back to the channel.',
  'Today we look at three small habits that save real money.',
  'First, write down every purchase for one week.',
  'Second, wait a day before you buy anything over fifty dollars.',
  'Third, move a little into savings the day you are paid.',
];
const text = Array.from({ length: sentences }, (_, i) => lines[i % lines.length]).join(' ');
// A stand-in portrait (no photos in the repository): another seed's presenter, 600x600.
const portrait = path.join(root, 'portrait.png');
await writeFile(portrait, renderPng(cartoonFaceSvg(600, faceLook(11), 0, false)));

const engine = new OfflineAvatar(new OfflineSynthesizer('slt'));
const cases = {
  cartoon: { imageUrl: 'https://images.example.com/host.jpg', text },
  portrait: { imageFile: { path: portrait, name: 'portrait.png', contentType: 'image/png' }, text },
};
for (const [name, request] of Object.entries(cases)) {
  if (only !== 'all' && only !== name) continue;
  const dir = await tempDir();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const rendered = await engine.render(request, dir, ctx);
  const wall = (performance.now() - t) / 1000;
  const own = process.cpuUsage(cpu);
  const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', rendered.file]));
  console.log(
    `${name}: ${seconds.toFixed(2)} s of video in ${wall.toFixed(2)} s wall (${(seconds / wall).toFixed(2)}x real time), node CPU ${((own.user + own.system) / 1e6).toFixed(2)} s`,
  );
  if (keep) await copyFile(rendered.file, path.join(keep, `${name}.mp4`));
}
await rm(root, { recursive: true, force: true });
