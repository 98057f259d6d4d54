import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ChildProcesses, createLogger } from '@reelay/runtime';
import { waitUntil } from '@reelay/runtime/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ffmpeg, type RunContext, withStopSignal } from './ffmpeg-runner.js';

/** The runner against the real ffmpeg and ffprobe binaries. */
describe('Ffmpeg runner', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-ffmpeg-runner-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function context(signal = new AbortController().signal) {
    const reports: [number, string | undefined][] = [];
    const ctx: RunContext = {
      children: new ChildProcesses(),
      signal,
      progress: (pct, stage) => reports.push([pct, stage]),
      log: createLogger({ service: 'test', level: 'silent' }),
    };
    return { ctx, reports };
  }
  const ffmpeg = (stallTimeoutMs = 30_000) => new Ffmpeg({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', stallTimeoutMs });

  it('reports progress from out_time up to 100 and leaves the file ffprobe reads back', async () => {
    const { ctx, reports } = context();
    const args = ['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', 'out.mp4'];
    await ffmpeg().run(ctx, args, { cwd: dir, expectedDurationSec: 2, stage: 'encode' });
    expect(reports.at(-1)?.[0]).toBe(100);
    expect(reports.every(([, stage]) => stage?.startsWith('encode'))).toBe(true);
    const info = await ffmpeg().probe(ctx, 'out.mp4', dir);
    expect(info.durationSec).toBeCloseTo(2, 1);
    expect(info.streams).toEqual([expect.objectContaining({ type: 'video', codec: 'h264', width: 160, height: 90, fps: 25 })]);
  });

  it('with the duration learnt during the run, progress holds at the span start until it is known, then follows out_time', async () => {
    const { ctx, reports } = context();
    let duration: number | undefined;
    // Paced at real time (-re): progress blocks come before and after the duration is known.
    const args = ['-re', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', 'out.mp4'];
    const running = ffmpeg().run(ctx, args, { cwd: dir, expectedDurationSec: () => duration, stage: 'encode', span: [10, 90] });
    // Learnt once the first progress block has arrived (as a probe beside the run would be).
    await waitUntil(() => reports.length > 0 || undefined, { what: 'a first progress report' });
    duration = 2;
    await running;
    const percents = reports.map(([pct]) => pct);
    expect(percents[0]).toBe(10);
    expect(percents.some((pct) => pct > 10 && pct < 90)).toBe(true);
    expect(percents.at(-1)).toBe(90);
  }, 20_000);

  it('a stop signal of its own ends the run with its reason, leaving the job signal untouched', async () => {
    const { ctx } = context();
    const stop = new AbortController();
    const running = ffmpeg().run(
      withStopSignal(ctx, stop.signal),
      ['-re', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=60', '-f', 'null', '-'],
      {
        cwd: dir,
        stage: 'long',
      },
    );
    stop.abort(new Error('the probe said no'));
    await expect(running).rejects.toThrow('the probe said no');
    expect(ctx.signal.aborted).toBe(false);
    expect(ctx.children.size).toBe(0);
  });

  it('kills a run that stops reporting progress and fails it as STALLED', async () => {
    // Opening a FIFO with no writer blocks forever: ffmpeg never gets to write progress.
    execFileSync('mkfifo', [path.join(dir, 'never.fifo')]);
    const { ctx } = context();
    await expect(ffmpeg(500).run(ctx, ['-i', 'never.fifo', 'out.mp4'], { cwd: dir, stage: 'stall' })).rejects.toMatchObject({
      code: 'STALLED',
      retryable: true,
    });
    expect(ctx.children.size).toBe(0);
  });

  it('an abort kills the process group and rejects with the abort reason', async () => {
    const abort = new AbortController();
    const { ctx } = context(abort.signal);
    const running = ffmpeg().run(ctx, ['-re', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=60', '-f', 'null', '-'], {
      cwd: dir,
      stage: 'long',
    });
    setTimeout(() => abort.abort(new Error('stop now')), 300);
    await expect(running).rejects.toThrow('stop now');
    expect(ctx.children.size).toBe(0);
  });

  it('a corrupt input fails permanently with ffprobe’s message', async () => {
    // Noise from a fixed seed: random bytes from /dev/urandom now and then probe as some
    // format (an MP3 frame sync, say) and fail with another message.
    let seed = 2166136261;
    const noise = Buffer.alloc(2000, 0).map(() => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed >>> 24;
    });
    writeFileSync(path.join(dir, 'noise.mp4'), noise);
    const { ctx } = context();
    await expect(ffmpeg().probe(ctx, 'noise.mp4', dir)).rejects.toMatchObject({
      code: 'PERMANENT',
      message: expect.stringContaining('noise.mp4: Invalid data found when processing input'),
    });
  });
});
