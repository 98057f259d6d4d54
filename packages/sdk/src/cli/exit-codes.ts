import { CommanderError } from 'commander';
import { JobFailedError, ReelayApiError, ReelayConnectionError } from '../index.js';
import { UsageError } from './usage-error.js';

/**
 * What the `reelay` exit status means, so scripts can branch on it (docs/cli.md lists
 * them). Decided by error class and HTTP status, never by message text.
 */
export const ExitCode = {
  ok: 0,
  /** A job failed or was cancelled (submit --wait, watch), or something unexpected broke. */
  jobFailed: 1,
  /** Bad command line, or a request the gateway rejected as invalid (400, 413, 415, 416). */
  usage: 2,
  notFound: 3,
  /** 401 or 403: a missing or wrong key, a missing scope or project. */
  auth: 4,
  /** No answer, 429, or a 5xx: try again later. */
  unavailable: 5,
  /** 409: the job already finished, the key was already used… */
  conflict: 6,
  /** 408: the job did not finish within --timeout. */
  timeout: 7,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (err instanceof UsageError) return ExitCode.usage;
  if (err instanceof JobFailedError) return ExitCode.jobFailed;
  if (err instanceof ReelayConnectionError) return ExitCode.unavailable;
  if (err instanceof ReelayApiError) return exitCodeForStatus(err.status);
  return ExitCode.jobFailed;
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return ExitCode.auth;
  if (status === 404) return ExitCode.notFound;
  if (status === 408) return ExitCode.timeout;
  if (status === 409) return ExitCode.conflict;
  if (status === 429 || status >= 500) return ExitCode.unavailable;
  if (status >= 400) return ExitCode.usage;
  return ExitCode.jobFailed;
}
