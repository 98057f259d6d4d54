/**
 * Runs one tool (flite, espeak-ng, ffmpeg, ffprobe, pocketsphinx) as a child of the job,
 * so a cancel or the hard limit kills it, inside a span, and returns what it printed.
 * A failure carries the tool's last stderr lines: that is where each says what went wrong.
 */
import { ErrorCode } from '@reelay/contracts';
import { Attr, inSpan, type JobContext, ReelayError, SpanKind } from '@reelay/runtime';

export interface ChildResult {
  stdout: string;
  stderr: string;
}

export class ChildProcessError extends ReelayError {
  constructor(message: string, cause?: unknown) {
    // Retryable: a crash or a missing binary on one host may not happen on another.
    super(ErrorCode.CHILD_PROCESS_FAILED, message, { retryable: true, cause });
  }
}

export function runChild(ctx: JobContext, command: string, args: readonly string[]): Promise<ChildResult> {
  return inSpan(command, { kind: SpanKind.INTERNAL, attributes: { [Attr.childCommand]: command } }, (span) => {
    return new Promise<ChildResult>((resolve, reject) => {
      if (ctx.signal.aborted) return reject(ctx.signal.reason);
      const child = ctx.children.spawn(command, args);
      if (child.pid !== undefined) span.setAttribute(Attr.childPid, child.pid);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (b: Buffer) => out.push(b));
      child.stderr?.on('data', (b: Buffer) => err.push(b));
      child.once('error', (e) => reject(new ChildProcessError(`${command} could not start: ${e.message}`, e)));
      child.once('close', (code, signal) => {
        span.setAttribute(Attr.childExitCode, code ?? -1);
        const stderr = Buffer.concat(err).toString();
        if (ctx.signal.aborted) return reject(ctx.signal.reason);
        if (code === 0) return resolve({ stdout: Buffer.concat(out).toString(), stderr });
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new ChildProcessError(`${command} exited with ${signal ?? code}${tail ? `: ${tail}` : ''}`));
      });
    });
  });
}
