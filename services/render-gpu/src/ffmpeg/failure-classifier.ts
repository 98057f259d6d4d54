import { ErrorCode } from '@reelay/contracts';
import { PermanentError, type ReelayError, TransientError } from '@reelay/runtime';

/**
 * Turns a failed ffmpeg/ffprobe run into a typed error. Reading ffmpeg's stderr is the
 * only way to tell a corrupt input from a crash — it has no error codes of its own — so
 * the patterns live here, in one place, and everything downstream decides by `code`.
 *
 * Input problems can never succeed on retry: PermanentError carrying ffmpeg's own line.
 * Anything else (a killed encoder, a full disk, a driver hiccup) is CHILD_PROCESS_FAILED
 * and retryable.
 */
const INPUT_PROBLEMS: RegExp[] = [
  /Invalid data found when processing input/i,
  /moov atom not found/i,
  /could not find codec parameters/i,
  /does not contain any stream/i,
  /Stream map '.*' matches no streams/i,
  /matches no streams/i,
  /Invalid NAL unit size/i,
  /EBML header parsing failed/i,
  /Failed to read frame size/i,
  /Output file .* does not contain any stream/i,
  /Error opening input/i,
  /Unknown input format/i,
  /Decoder \(codec .*\) not found/i,
];

export interface FailedRun {
  tool: 'ffmpeg' | 'ffprobe';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export function classifyFailure(run: FailedRun): ReelayError {
  const lines = run.stderr.split('\n').filter((l) => l.trim());
  const inputLine = lines.find((line) => INPUT_PROBLEMS.some((p) => p.test(line)));
  if (inputLine) {
    // The matching line plus the one after often names the file ("input.mp4: Invalid data…").
    const related = lines.filter((line) => INPUT_PROBLEMS.some((p) => p.test(line)));
    return new PermanentError(`${run.tool} could not read the input: ${related.slice(-3).join(' | ')}`, {
      details: { exitCode: run.exitCode, stderrTail: lines.slice(-10).join('\n') },
    });
  }
  const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
  const last = lines.slice(-3).join(' | ');
  return new TransientError(`${run.tool} ${how}${last ? `: ${last}` : ''}`, {
    code: ErrorCode.CHILD_PROCESS_FAILED,
    details: { exitCode: run.exitCode, signal: run.signal, stderrTail: lines.slice(-10).join('\n') },
  });
}
