import type { ChildProcess } from 'node:child_process';
import { ErrorCode, type MediaInfo } from '@reelay/contracts';
import { Attr, inSpan, type JobContext, killGroup, ReelayError, TransientError } from '@reelay/runtime';
import { classifyFailure } from './failure-classifier.js';
import type { Download } from './followed-input.js';
import { toMediaInfo } from './probe-result.js';
import { type FfmpegProgress, ProgressParser } from './progress-parser.js';
import { StderrTail } from './stderr-tail.js';

/**
 * The one way this service runs ffmpeg and ffprobe: spawned through the job's
 * ChildProcesses (own process group, killed by the runtime on cancel and hard limit),
 * progress read from `-progress pipe:1`, inputs followed while they download where
 * given (followed-input.ts), a stall watchdog, the stderr tail kept for the error, and the
 * failure classified. Argument building lives with each task; this module
 * only runs what it is given.
 */

export interface FfmpegTools {
  ffmpegPath: string;
  ffprobePath: string;
  /** No progress block for this long and the run is killed as STALLED. */
  stallTimeoutMs: number;
}

/** What a run needs from the job: a narrow slice of JobContext, so the bench can supply it too. */
export type RunContext = Pick<JobContext, 'children' | 'signal' | 'progress' | 'log'>;

/** `ctx` with a signal of the caller's as well: a run it can stop without ending the job. */
export function withStopSignal(ctx: RunContext, stop: AbortSignal): RunContext {
  return {
    children: ctx.children,
    log: ctx.log,
    progress: (percent, stage) => ctx.progress(percent, stage),
    signal: AbortSignal.any([ctx.signal, stop]),
  };
}

export interface RunOptions {
  /** Working directory: inputs and outputs are named relative to it, so messages show no temp paths. */
  cwd: string;
  /**
   * How long the output should be: turns out_time into a percentage. A function when it
   * is learnt while the run goes (a probe beside it); progress stays at the start of the
   * span until it is known.
   */
  expectedDurationSec?: number | (() => number | undefined);
  /** Stage text for the job's progress ("transcode", "render"…). */
  stage: string;
  /** This run's share of the job's progress, [from, to] in percent. */
  span?: [number, number];
  /**
   * Downloads of inputs into `cwd` that ffmpeg follows while they are written
   * (followed-input.ts), started as ffmpeg is. One that fails while ffmpeg runs stops the
   * run with its error, since ffmpeg would wait for bytes that never come; once ffmpeg has
   * exited (done, failed, cancelled), what is left of them is stopped — nothing reads it —
   * and the run settles only when every one has, so no write outlives it into a directory
   * its caller is about to remove.
   */
  downloads?: readonly Download[];
}

/** Put before every ffmpeg run's own arguments: quiet banner, no stdin, overwrite, machine-readable progress. */
export const FFMPEG_COMMON_ARGS = ['-hide_banner', '-nostdin', '-y', '-progress', 'pipe:1', '-nostats'] as const;

export class StalledError extends TransientError {
  constructor(ms: number, stderr: string) {
    super(`ffmpeg made no progress for ${ms} ms and was killed`, { code: ErrorCode.STALLED, details: { stderrTail: stderr } });
  }
}

export class Ffmpeg {
  constructor(readonly tools: FfmpegTools) {}

  async run(ctx: RunContext, args: readonly string[], options: RunOptions): Promise<void> {
    const fullArgs = [...FFMPEG_COMMON_ARGS, ...args];
    await inSpan('ffmpeg', { attributes: { [Attr.childCommand]: 'ffmpeg', 'reelay.media.stage': options.stage } }, async (span) => {
      const [from, to] = options.span ?? [0, 100];
      const parser = new ProgressParser((p) => {
        watchdog.refresh();
        this.report(ctx, options, p, from, to);
      });
      const tail = new StderrTail();
      ctx.log.debug({ args: fullArgs, cwd: options.cwd }, 'ffmpeg starting');
      const child = this.spawn(ctx, this.tools.ffmpegPath, fullArgs, options.cwd);
      let stalled = false;
      // A download that fails stops the run: ffmpeg would wait for its bytes until the follow timeout.
      let writeError: unknown;
      let exited = false;
      const downloading = new AbortController();
      const written = (options.downloads ?? []).map((download) =>
        download(downloading.signal).catch((err: unknown) => {
          if (exited) return;
          writeError ??= err;
          killGroup(child);
        }),
      );
      // Re-armed by every progress block (ffmpeg writes one each 0.5 s while it works).
      const watchdog = setTimeout(() => {
        stalled = true;
        killGroup(child);
      }, this.tools.stallTimeoutMs);
      if (child.pid !== undefined) span.setAttribute(Attr.childPid, child.pid);
      child.stdout?.setEncoding('utf8').on('data', (c: string) => parser.push(c));
      child.stderr?.setEncoding('utf8').on('data', (c: string) => tail.push(c));
      try {
        const exit = await this.exited(ctx, child).finally(() => {
          exited = true;
          downloading.abort();
        });
        await Promise.all(written);
        span.setAttribute(Attr.childExitCode, exit.code ?? -1);
        if (stalled) throw new StalledError(this.tools.stallTimeoutMs, tail.text());
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (writeError !== undefined) throw asRunError(writeError);
        if (exit.code !== 0) throw classifyFailure({ tool: 'ffmpeg', exitCode: exit.code, signal: exit.signal, stderr: tail.text() });
      } finally {
        clearTimeout(watchdog);
      }
    });
  }

  /** ffprobe JSON for a file in `cwd`, as the contract's MediaInfo. */
  async probe(ctx: RunContext, file: string, cwd: string): Promise<MediaInfo> {
    const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file];
    const child = this.spawn(ctx, this.tools.ffprobePath, args, cwd);
    let stdout = '';
    const tail = new StderrTail();
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr?.setEncoding('utf8').on('data', (c: string) => tail.push(c));
    // ffprobe reads headers only; a stuck one (a FIFO, a dead mount) still must not hang the job.
    const watchdog = setTimeout(() => killGroup(child), this.tools.stallTimeoutMs);
    try {
      const exit = await this.exited(ctx, child);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (exit.code !== 0) throw classifyFailure({ tool: 'ffprobe', exitCode: exit.code, signal: exit.signal, stderr: tail.text() });
      return toMediaInfo(JSON.parse(stdout));
    } finally {
      clearTimeout(watchdog);
    }
  }

  private spawn(ctx: RunContext, command: string, args: readonly string[], cwd: string): ChildProcess {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    return ctx.children.spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Resolves on exit (stdio drained); an abort kills the group first, so nothing outlives the job. */
  private exited(ctx: RunContext, child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve, reject) => {
      const onAbort = () => killGroup(child);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      child.once('error', (err) => {
        ctx.signal.removeEventListener('abort', onAbort);
        reject(
          new TransientError(`could not start ${child.spawnfile}: ${err.message}`, { code: ErrorCode.CHILD_PROCESS_FAILED, cause: err }),
        );
      });
      child.once('close', (code, signal) => {
        ctx.signal.removeEventListener('abort', onAbort);
        resolve({ code, signal });
      });
    });
  }

  private report(ctx: RunContext, options: RunOptions, p: FfmpegProgress, from: number, to: number): void {
    const expected = typeof options.expectedDurationSec === 'function' ? options.expectedDurationSec() : options.expectedDurationSec;
    let fraction = p.done ? 1 : 0;
    if (!p.done && expected && expected > 0 && p.outTimeSec !== undefined) fraction = Math.min(0.999, p.outTimeSec / expected);
    const detail = [p.fps !== undefined ? `${p.fps.toFixed(1)} fps` : '', p.speed !== undefined ? `${p.speed.toFixed(2)}x` : '']
      .filter(Boolean)
      .join(', ');
    ctx.progress(from + (to - from) * fraction, detail ? `${options.stage} (${detail})` : options.stage);
  }
}

/**
 * A download's failure as the run's: the store's own error where it has a code
 * (ARTIFACT_NOT_FOUND: deleted while read), else a retryable one.
 */
function asRunError(err: unknown): unknown {
  if (err instanceof ReelayError) return err;
  return new TransientError(`downloading an input for ffmpeg failed: ${(err as Error).message}`, { cause: err });
}
