/**
 * Benchmark, not a test: how much the queue costs a media job. Renders and transcodes one
 * clip (default 30 s, 1080x1920) through a real nats-server and render-gpu process
 * (enqueue → succeeded, artifact transfer included), and runs the very same ffmpeg
 * command directly on the same input, in the same run. Prints wall times, the ratio and
 * encode fps as a markdown table.
 *
 *   pnpm --filter @reelay/render-gpu bench:media [-- --seconds 30 --preset veryfast --runs 3 --source faststart|tail --jobs transcode,render --store nats|s3]
 *
 * With `--store s3` the artifacts live on a local S3-compatible server (@20minutes/s3rver,
 * in this process: its CPU is counted on neither side) and the worker sends its outputs up
 * in parts while ffmpeg writes them.
 *
 * Besides wall times it reports CPU seconds (from /proc): the direct side's ffmpeg, and
 * the queued side's worker + its children + nats-server, each part per run on stderr —
 * the worker's ffmpeg apart from its ffprobe runs — and where the worker's ffmpeg
 * arguments differ from the direct command's.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type EncodePreset, type JobRecord, type MediaInfo, SubtitleStyle } from '@reelay/contracts';
import { startLocalS3Server } from '@reelay/artifacts-s3/testing';
import { type ArtifactStore, openArtifactStore, parseEnv, RuntimeEnv, watchJobRecord } from '@reelay/runtime';
import { startTestSystem } from '@reelay/runtime/testing';
import { FFMPEG_COMMON_ARGS } from '../ffmpeg/ffmpeg-runner.js';
import { toMediaInfo } from '../ffmpeg/probe-result.js';
import { probeCapabilities } from '../gpu/media-capabilities.js';
import type { ResolvedSubtitleStyle } from '../render/ass-script.js';
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
    /**
     * The source clip's layout: `faststart` (index up front, as Reelay's own outputs and
     * most web uploads are: the worker streams it from the store) or `tail` (index at the
     * end, ffmpeg's and many cameras' default: the worker downloads it first).
     */
    source: { type: 'string', default: 'faststart' },
    /** Which jobs to measure, comma-separated. */
    jobs: { type: 'string', default: 'transcode,render' },
    /**
     * Where artifacts live: `nats` (the embedded object store) or `s3` (a local
     * S3-compatible server, @20minutes/s3rver: outputs go up in parts while ffmpeg writes them).
     */
    store: { type: 'string', default: 'nats' },
    /** The S3 multipart part size in MiB (`--store s3`; 5 is the least S3 allows). */
    'part-mib': { type: 'string', default: '8' },
  },
});
const seconds = Number(values.seconds);
const width = Number(values.width);
const height = Number(values.height);
const preset = values.preset as EncodePreset;
const runs = Math.max(1, Number(values.runs));
const sourceLayout = values.source === 'tail' ? 'tail' : 'faststart';
const jobs = new Set(values.jobs.split(','));
const storeKind = values.store === 's3' ? 's3' : 'nats';
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
/**
 * CPU seconds from /proc (Linux): a process's own, plus its reaped children's when asked.
 * Wall time on a shared 2-core machine moves with the neighbours' load; CPU time spent
 * on the job barely does, so both are reported.
 */
const CLOCK_TICKS = 100;
function cpuSeconds(pid: number, children: 'own' | 'with-children' | 'children-only'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const own = (f[11] ?? 0) + (f[12] ?? 0);
  const kids = (f[13] ?? 0) + (f[14] ?? 0);
  return (children === 'own' ? own : children === 'children-only' ? kids : own + kids) / CLOCK_TICKS;
}
function pidOf(needle: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) return Number(entry);
    } catch {
      // gone while we looked
    }
  }
  throw new Error(`no process with ${needle} in its command line`);
}
/** The worker's children (libuv forks them from its main thread), from /proc: one small read, so it can be polled. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
/**
 * The queued job's ffmpeg run alone, apart from its ffprobe runs (the bench used to print
 * them as one "ffmpeg/ffprobe" figure, which read as ffmpeg costing more queued than
 * direct): the worker's reaped-children CPU from when the run is first seen (its
 * `-progress` argument) to when it has been reaped — its /proc entry is gone only then —
 * and its argv, to set against the direct command's. An ffprobe the worker runs beside
 * the encode (a source that is not indexed) would be counted in it.
 */
function watchEncode(workerPid: number): { stop(): { cpu: number; argv: string[]; seenAt: number; goneAt: number } | undefined } {
  let pid: number | undefined;
  let argv: string[] = [];
  let before = 0;
  let seenAt = 0;
  let result: { cpu: number; argv: string[]; seenAt: number; goneAt: number } | undefined;
  const poll = () => {
    if (pid === undefined) {
      for (const child of childPids(workerPid)) {
        let cmd: string[];
        try {
          cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').filter(Boolean);
        } catch {
          continue;
        }
        if (!cmd.includes('-progress')) continue;
        pid = child;
        seenAt = performance.now();
        before = cpuSeconds(workerPid, 'children-only');
        // Caught before setpriv has exec'd ffmpeg: its own arguments follow `--` and the binary.
        const dashes = cmd.indexOf('--');
        argv = cmd.slice(dashes >= 0 ? dashes + 2 : 1);
      }
    } else if (!existsSync(`/proc/${pid}`)) {
      result = { cpu: cpuSeconds(workerPid, 'children-only') - before, argv, seenAt, goneAt: performance.now() };
      clearInterval(timer);
    }
  };
  const timer = setInterval(poll, 10);
  return {
    stop() {
      clearInterval(timer);
      if (!result && pid !== undefined) poll();
      return result;
    },
  };
}
/**
 * Where a queued run's ffmpeg arguments differ from the direct command's: file names, and
 * the follow options of inputs ffmpeg reads while they download (ffmpeg/followed-input.ts),
 * nothing else, when the bench is fair.
 */
function argvDifference(direct: readonly string[], withFollow: readonly string[]): string {
  const queued: string[] = [];
  const followed: string[] = [];
  for (let i = 0; i < withFollow.length; i++) {
    if (withFollow[i] === '-follow' && withFollow[i + 2] === '-rw_timeout') {
      followed.push(withFollow[withFollow.indexOf('-i', i) + 1] ?? '?');
      i += 3;
    } else queued.push(withFollow[i] ?? '');
  }
  const following = followed.length ? `; inputs followed while they download: ${followed.join(', ')}` : '';
  if (direct.length !== queued.length)
    return `different lengths (${direct.length} direct, ${queued.length} queued): ${queued.join(' ')}${following}`;
  const diffs = direct.flatMap((a, i) => (a === queued[i] ? [] : [`#${i} ${a} → ${queued[i]}`]));
  return (diffs.length ? diffs.join('; ') : 'none') + following;
}
const timed = async (fn: () => Promise<unknown>, cpu: () => number) => {
  const c0 = cpu();
  const t0 = performance.now();
  await fn();
  const t1 = performance.now();
  return { wall: (t1 - t0) / 1000, cpu: cpu() - c0, t0, t1 };
};

const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-media-bench-'));
const system = await startTestSystem();
const s3 = storeKind === 's3' ? await startLocalS3Server() : undefined;
let s3Store: ArtifactStore | undefined;
try {
  const s3Env = s3 ? { ...s3.env, S3_UPLOAD_PART_BYTES: String(Number(values['part-mib']) * 1024 * 1024) } : {};
  if (s3)
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey });
  if (s3) s3Store = await openArtifactStore(system.ctx, parseEnv(RuntimeEnv, s3Env));
  const artifacts = s3Store ?? system.artifacts;
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
      ...(sourceLayout === 'faststart' ? ['-movflags', '+faststart'] : []),
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
  const up = async (f: string) => (await artifacts.putFile(path.join(dir, f), { project: 'bench' })).id;
  const ids = { clip: await up('clip.mp4'), music: await up('music.wav'), subs: await up('subs.srt') };
  const worker = await system.startService(path.resolve(import.meta.dirname, '../main.js'), { ...s3Env, MEDIA_CONCURRENCY: '1' }, /ready/);
  const workerPid = worker.proc.pid ?? 0;
  const natsPid = pidOf(system.nats.storeDir);
  // Direct: the ffmpeg children this process reaps. Queued: the worker with its ffmpeg and
  // ffprobe children, and nats-server (the object store's side of every byte).
  const directCpu = () => cpuSeconds(process.pid, 'children-only');
  const queuedCpu = () => cpuSeconds(workerPid, 'with-children') + cpuSeconds(natsPid, 'own');
  // The same, in parts: where a queued job's CPU goes besides its ffmpeg.
  const queuedParts = () => ({
    worker: cpuSeconds(workerPid, 'own'),
    children: cpuSeconds(workerPid, 'children-only'),
    nats: cpuSeconds(natsPid, 'own'),
  });
  const loadAtStart = os.loadavg()[0] ?? 0;
  const caps = await probeCapabilities('ffmpeg');

  // ---- transcode: H.264 + AAC, crf 23 ----
  const video = chooseVideoEncoder({ codec: 'h264', preset, crf: 23, gpu: 'preferred' }, caps);
  const tArgs = [
    ...FFMPEG_COMMON_ARGS,
    ...transcodeArgs({
      input: 'clip.mp4',
      output: 'direct-transcode.mp4',
      container: 'mp4',
      video,
      audioCodec: 'aac',
      audioBitrateKbps: 128,
    }),
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
    subtitles: {
      file: await preparedSubtitles({ dir, file: 'subs.srt', style: SubtitleStyle.parse({}) as ResolvedSubtitleStyle, width, height }),
    },
    width,
    height,
    fps,
    video: chooseVideoEncoder({ codec: 'h264', preset, crf: 21, gpu: 'preferred' }, caps),
    output: 'direct-render.mp4',
  });
  const rArgs = [...FFMPEG_COMMON_ARGS, ...r.args];

  // The job's records as they are written, as a client following it would (a poll every
  // 100 ms added ~50 ms to each queued run and a read of the record each time).
  const finished = (id: string) =>
    new Promise<JobRecord>((resolve, reject) => {
      const settle = (job: JobRecord | undefined) => {
        if (!job || (job.status !== 'succeeded' && job.status !== 'failed')) return;
        watch.stop();
        clearTimeout(timer);
        resolve(job);
      };
      const watch = watchJobRecord(system.ctx, id, settle);
      const timer = setTimeout(() => {
        watch.stop();
        reject(new Error(`job ${id} did not finish in 30 min`));
      }, 1_800_000);
      // Read once after subscribing: a record written before the watch began is not missed.
      system.client.get(id).then(settle, reject);
    });
  const viaQueue = async (type: string, input: unknown) => {
    const { job } = await system.client.enqueue({ type, input, project: 'bench' });
    const done = await finished(job.id);
    if (done.status !== 'succeeded') throw new Error(`${type} ${done.status}: ${JSON.stringify(done.error)}`);
  };

  const rows: string[] = [];
  // ---- the object store alone: the bytes every queued job moves, with the object store's
  // old pure-JS SHA-256 and with node:crypto (what the runtime selects) ----
  const storeRows: string[] = [];
  if (jobs.has('store') && storeKind === 'nats') {
    const obj = createRequire(import.meta.resolve('@reelay/runtime'))('@nats-io/obj') as { setSha256Backend(b: 'js' | 'native'): void };
    const selfCpu = () => cpuSeconds(process.pid, 'own');
    for (const backend of ['js', 'native'] as const) {
      obj.setSha256Backend(backend);
      const puts: { wall: number; cpu: number }[] = [];
      const reads: { wall: number; cpu: number }[] = [];
      for (let i = 0; i < runs; i++) {
        process.stderr.write(`store run ${i + 1}/${runs}: ${backend}…\n`);
        let id = '';
        puts.push(await timed(async () => (id = (await artifacts.putFile(path.join(dir, 'clip.mp4'), { project: 'bench' })).id), selfCpu));
        reads.push(
          await timed(async () => {
            for await (const _ of await artifacts.openStream(id));
          }, selfCpu),
        );
        await artifacts.delete(id);
      }
      const m = (xs: { wall: number; cpu: number }[], k: 'wall' | 'cpu') => median(xs.map((x) => x[k])).toFixed(2);
      storeRows.push(
        `| ${backend === 'js' ? 'pure JS (before)' : 'node:crypto (now)'} | ${m(puts, 'wall')} | ${m(puts, 'cpu')} | ${m(reads, 'wall')} | ${m(reads, 'cpu')} |`,
      );
    }
    obj.setSha256Backend('native');
  }
  const measure = async (
    name: string,
    frames: number,
    direct: { args: readonly string[]; run: () => Promise<unknown> },
    queued: () => Promise<unknown>,
  ) => {
    if (!jobs.has(name)) return;
    const ds: number[] = [];
    const qs: number[] = [];
    const dc: number[] = [];
    const qc: number[] = [];
    const parts: string[] = [];
    const encodes: number[] = [];
    const phases: string[] = [];
    let queuedArgv: string[] | undefined;
    for (let i = 0; i < runs; i++) {
      // Alternate the order so neither side always gets the warmer cache.
      const order = i % 2 === 0 ? (['direct', 'queue'] as const) : (['queue', 'direct'] as const);
      for (const side of order) {
        process.stderr.write(`${name} run ${i + 1}/${runs}: ${side}…\n`);
        if (side === 'direct') {
          const t = await timed(direct.run, directCpu);
          ds.push(t.wall);
          dc.push(t.cpu);
        } else {
          const p0 = queuedParts();
          const encode = watchEncode(workerPid);
          const t = await timed(queued, queuedCpu);
          const p1 = queuedParts();
          const e = encode.stop();
          const children = p1.children - p0.children;
          if (e) {
            encodes.push(e.cpu);
            queuedArgv ??= e.argv;
          }
          // Wall time around the encode (polled every 10 ms): enqueue to ffmpeg seen, ffmpeg's run, ffmpeg gone to the record's final write seen.
          if (e)
            phases.push(
              `${((e.seenAt - t.t0) / 1000).toFixed(2)} + ${((e.goneAt - e.seenAt) / 1000).toFixed(2)} + ${((t.t1 - e.goneAt) / 1000).toFixed(2)}`,
            );
          parts.push(
            `worker ${(p1.worker - p0.worker).toFixed(2)} + ffmpeg ${e ? e.cpu.toFixed(2) : '?'} + ffprobe ${e ? (children - e.cpu).toFixed(2) : '?'} + nats ${(p1.nats - p0.nats).toFixed(2)}`,
          );
          qs.push(t.wall);
          qc.push(t.cpu);
        }
      }
    }
    const d = median(ds);
    const q = median(qs);
    const ratios = ds.map((x, i) => (qs[i] ?? 0) / x);
    rows.push(
      `| ${name} | ${d.toFixed(2)} | ${q.toFixed(2)} | ${(q / d).toFixed(3)} | ${median(ratios).toFixed(3)} | ${median(dc).toFixed(2)} | ${median(qc).toFixed(2)} | ${(median(qc) / median(dc)).toFixed(3)} | ${(frames / d).toFixed(1)} | ${(frames / q).toFixed(1)} |`,
    );
    process.stderr.write(
      `${name}: direct ${ds.map((x) => x.toFixed(2)).join(' ')} s; queued ${qs.map((x) => x.toFixed(2)).join(' ')} s; cpu direct ${dc.map((x) => x.toFixed(2)).join(' ')}; cpu queued ${qc.map((x) => x.toFixed(2)).join(' ')} (${parts.join('; ')}); ffmpeg alone: direct ${median(dc).toFixed(2)}, queued ${encodes.length ? median(encodes).toFixed(2) : '?'} (medians)\n`,
    );
    process.stderr.write(`${name}: queued wall, before ffmpeg + ffmpeg + after (s): ${phases.join('; ')}\n`);
    if (queuedArgv)
      process.stderr.write(
        `${name}: the worker's ffmpeg arguments against the direct command's: ${argvDifference(direct.args, queuedArgv)}\n`,
      );
  };
  await measure('transcode', Math.round(source.durationSec * fps), { args: tArgs, run: () => exec(tArgs, dir) }, () =>
    viaQueue('media.transcode', { artifactId: ids.clip, videoCodec: 'h264', audioCodec: 'aac', crf: 23, preset }),
  );
  await measure('render', r.expectedFrames, { args: rArgs, run: () => exec(rArgs, dir) }, () =>
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
    `## ${seconds} s ${width}x${height} @ ${fps} fps, ${sourceLayout} source, x264 preset ${preset}, ${os.cpus().length} cores, ${video.encoder}, median of ${runs}, load avg ${loadAtStart.toFixed(1)} → ${os.loadavg()[0]?.toFixed(1)}\n`,
  );
  console.log(
    '| job | direct ffmpeg (s) | through the queue (s) | ratio of medians | median of paired ratios | CPU direct (s) | CPU queued (s) | CPU ratio | encode fps direct | encode fps queued |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  if (storeRows.length) {
    console.log(
      `\nthe object store alone (ArtifactStore over NATS, in the bench process), the ${(source.sizeBytes / 1e6).toFixed(1)} MB source, median of ${runs}:\n`,
    );
    console.log('| SHA-256 in the object store | put (s) | put CPU (s) | read (s) | read CPU (s) |');
    console.log('|---|---|---|---|---|');
    for (const row of storeRows) console.log(row);
  }
  console.log(`\ntranscode command:\n\n    ffmpeg ${tArgs.map(quote).join(' ')}\n`);
  console.log(`render command:\n\n    ffmpeg ${rArgs.map(quote).join(' ')}\n`);
} finally {
  s3Store?.close();
  await system.close();
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
}
