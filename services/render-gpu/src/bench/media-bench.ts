/**
 * Benchmark, not a test: how much the queue costs a media job. Renders and transcodes one
 * clip (default 30 s, 1080x1920) through a real nats-server and render-gpu process
 * (enqueue → succeeded, artifact transfer included), and runs the very same ffmpeg
 * command directly on the same input, in the same run. Prints wall times, the ratio and
 * encode fps as a markdown table.
 *
 *   pnpm --filter @reelay/render-gpu bench:media [-- --seconds 30 --preset veryfast --runs 3]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type EncodePreset, type MediaInfo, SubtitleStyle } from '@reelay/contracts';
import { startTestSystem } from '@reelay/runtime/testing';
import { FFMPEG_COMMON_ARGS } from '../ffmpeg/ffmpeg-runner.js';
import { toMediaInfo } from '../ffmpeg/probe-result.js';
import { probeCapabilities } from '../gpu/media-capabilities.js';
import { preparedSubtitles } from '../render/render-inputs.js';
import { chooseVideoEncoder } from '../gpu/video-encoder.js';
import { renderCommand } from '../tasks/render-graph.js';
import { transcodeArgs } from '../tasks/transcode-args.js';

const { values } = parseArgs({
  // pnpm passes its `--` separator through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    seconds: { type: 'string', default: '30' },
    width: { type: 'string', default: '1080' },
    height: { type: 'string', default: '1920' },
    preset: { type: 'string', default: 'veryfast' },
    /** Repeat each pair, alternating which side goes first, and report medians: shared machines are noisy. */
    runs: { type: 'string', default: '1' },
  },
});
const seconds = Number(values.seconds);
const width = Number(values.width);
const height = Number(values.height);
const preset = values.preset as EncodePreset;
const runs = Math.max(1, Number(values.runs));
const fps = 30;
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

function exec(args: string[], cwd: string, bin = 'ffmpeg'): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} exited ${code}: ${err.slice(-800)}`))));
  });
}
const probe = async (file: string, cwd: string): Promise<MediaInfo> =>
  toMediaInfo(JSON.parse(await exec(['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], cwd, 'ffprobe')));
const timed = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};

const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-media-bench-'));
const system = await startTestSystem();
try {
  process.stderr.write(`generating a ${seconds} s ${width}x${height} clip…\n`);
  await exec(
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=${width}x${height}:r=${fps}:d=${seconds}`,
      '-f',
      'lavfi',
      '-i',
      `sine=f=440:d=${seconds}`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '18',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      'clip.mp4',
    ],
    dir,
  );
  await exec(['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=f=220:d=${seconds}`, 'music.wav'], dir);
  await writeFile(
    path.join(dir, 'subs.srt'),
    `1\n00:00:01,000 --> 00:00:${String(Math.min(59, seconds - 1)).padStart(2, '0')},000\nBenchmark reel\n`,
  );
  const source = await probe('clip.mp4', dir);
  const up = async (f: string) => (await system.artifacts.putFile(path.join(dir, f), { project: 'bench' })).id;
  const ids = { clip: await up('clip.mp4'), music: await up('music.wav'), subs: await up('subs.srt') };
  await system.startService(path.resolve(import.meta.dirname, '../main.js'), { MEDIA_CONCURRENCY: '1' }, /ready/);
  const caps = await probeCapabilities('ffmpeg');

  // ---- transcode: H.264 + AAC, crf 23 ----
  const video = chooseVideoEncoder({ codec: 'h264', preset, crf: 23, gpu: 'preferred' }, caps);
  const tArgs = [
    ...FFMPEG_COMMON_ARGS,
    ...transcodeArgs(
      { input: 'clip.mp4', output: 'direct-transcode.mp4', container: 'mp4', video, audioCodec: 'aac', audioBitrateKbps: 128 },
      source,
    ),
  ];
  // ---- render: two halves of the clip joined by a 0.5 s fade, music, subtitles ----
  const half = seconds / 2;
  const r = renderCommand({
    scenes: [
      { file: 'clip.mp4', kind: 'video', inSec: 0, durationSec: half, fit: 'cover' },
      { file: 'clip.mp4', kind: 'video', inSec: half, durationSec: half, fit: 'cover', transition: { type: 'fade', durationSec: 0.5 } },
    ],
    music: { file: 'music.wav', volume: 0.5, duck: true },
    // The handler styles an SRT into an ASS script before its one ffmpeg run; so does the direct run.
    subtitles: { file: await preparedSubtitles(dir, 'subs.srt', SubtitleStyle.parse({}) as Required<SubtitleStyle>, width, height) },
    width,
    height,
    fps,
    video: chooseVideoEncoder({ codec: 'h264', preset, crf: 21, gpu: 'preferred' }, caps),
    output: 'direct-render.mp4',
  });
  const rArgs = [...FFMPEG_COMMON_ARGS, ...r.args];

  const viaQueue = async (type: string, input: unknown) => {
    const { job } = await system.client.enqueue({ type, input, project: 'bench' });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 1_800_000);
    if (done.status !== 'succeeded') throw new Error(`${type} ${done.status}: ${JSON.stringify(done.error)}`);
  };

  const rows: string[] = [];
  const measure = async (name: string, frames: number, direct: () => Promise<unknown>, queued: () => Promise<unknown>) => {
    const ds: number[] = [];
    const qs: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate the order so neither side always gets the warmer cache.
      const order = i % 2 === 0 ? (['direct', 'queue'] as const) : (['queue', 'direct'] as const);
      for (const side of order) {
        process.stderr.write(`${name} run ${i + 1}/${runs}: ${side}…\n`);
        if (side === 'direct') ds.push(await timed(direct));
        else qs.push(await timed(queued));
      }
    }
    const d = median(ds);
    const q = median(qs);
    rows.push(
      `| ${name} | ${d.toFixed(2)} | ${q.toFixed(2)} | ${(q / d).toFixed(3)} | ${(frames / d).toFixed(1)} | ${(frames / q).toFixed(1)} |`,
    );
  };
  await measure(
    'transcode',
    Math.round(source.durationSec * fps),
    () => exec(tArgs, dir),
    () => viaQueue('media.transcode', { artifactId: ids.clip, videoCodec: 'h264', audioCodec: 'aac', crf: 23, preset }),
  );
  await measure(
    'render',
    r.expectedFrames,
    () => exec(rArgs, dir),
    () =>
      viaQueue('media.render', {
        scenes: [
          { artifactId: ids.clip, inSec: 0, durationSec: half },
          { artifactId: ids.clip, inSec: half, durationSec: half, transition: { type: 'fade', durationSec: 0.5 } },
        ],
        music: { artifactId: ids.music, volume: 0.5 },
        subtitles: { artifactId: ids.subs },
        width,
        height,
        fps,
        crf: 21,
        preset,
      }),
  );

  const quote = (a: string) => (/^[\w.,:=/+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  console.log(
    `## ${seconds} s ${width}x${height} @ ${fps} fps, x264 preset ${preset}, ${os.cpus().length} cores, ${video.encoder}, median of ${runs}, load avg ${os.loadavg()[0]?.toFixed(1)}\n`,
  );
  console.log('| job | direct ffmpeg (s) | through the queue (s) | ratio | encode fps direct | encode fps queued |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(`\ntranscode command:\n\n    ffmpeg ${tArgs.map(quote).join(' ')}\n`);
  console.log(`render command:\n\n    ffmpeg ${rArgs.map(quote).join(' ')}\n`);
} finally {
  await system.close();
  await rm(dir, { recursive: true, force: true });
}
