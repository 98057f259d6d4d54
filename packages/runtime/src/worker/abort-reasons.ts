import { ErrorCode } from '@reelay/contracts';
import { ReelayError } from '../errors.js';

/** Why a handler's AbortSignal fired. */
export class CancelledError extends ReelayError {
  constructor() {
    super(ErrorCode.CANCELLED, 'cancelled on request', { retryable: false });
  }
}
export class SoftTimeoutError extends ReelayError {
  constructor(ms: number) {
    super(ErrorCode.SOFT_TIMEOUT, `soft time limit of ${ms} ms exceeded`, { retryable: true });
  }
}
export class HardTimeoutError extends ReelayError {
  constructor(ms: number) {
    super(ErrorCode.HARD_TIMEOUT, `hard time limit of ${ms} ms exceeded; the attempt was killed`, { retryable: true });
  }
}
/** The worker is stopping: the job is handed back, not failed. */
export class ShutdownError extends ReelayError {
  constructor() {
    super(ErrorCode.SHUTDOWN, 'the worker shut down before the job finished; handed back to the queue', { retryable: true });
  }
}

/** Cancels a running attempt: its signal fires (once) and its child processes are killed. */
export function cancelAttempt(job: { abort: AbortController; children: { killAll(): void } }): void {
  if (job.abort.signal.aborted) return;
  job.abort.abort(new CancelledError());
  job.children.killAll();
}
