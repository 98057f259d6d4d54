import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ChildProcesses, createLogger } from '@reelay/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ffmpeg, type RunContext } from './ffmpeg-runner.js';

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
    execFileSync('sh', ['-c', `head -c 2000 /dev/urandom > ${path.join(dir, 'noise.mp4')}`]);
    const { ctx } = context();
    await expect(ffmpeg().probe(ctx, 'noise.mp4', dir)).rejects.toMatchObject({
      code: 'PERMANENT',
      message: expect.stringContaining('noise.mp4: Invalid data found when processing input'),
    });
  });
});
