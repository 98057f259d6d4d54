import { ErrorCode, type WireError } from '@reelay/contracts';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { toWireError } from '../errors.js';
import type { WorkerObserver } from '../health/worker-observer.js';
import { attemptStarted } from '../jobs/job-record.js';
import { Attr } from '../telemetry/attributes.js';
import { CancelledError, cancelAttempt, HardTimeoutError, ShutdownError, SoftTimeoutError } from './abort-reasons.js';
import type { JobContext } from './job-context.js';
import { lazyChild } from './job-logger.js';
import type { RateLimiter } from './rate-limiter.js';
import type { AttemptLink, AttemptNext } from './run-attempt.js';
import type { AttemptOutcome } from './settle.js';
import { timeLimits } from './time-limits.js';
import type { InputOpener, RecordStore } from './worker-jobs.js';

/**
 * The links a worker composes around every handler (worker.ts lists them in order).
 * Each holds one concern; none knows the others.
 */

/**
 * Sealed fields opened, then the task's input schema — for every task, once, here: a
 * handler gets the typed value (defaults applied), and input that breaks the contract is
 * a permanent failure, never a retried one. The opened input goes to the handler alone:
 * records keep the ciphertext.
 */
export function inputParsed(opener: InputOpener): AttemptLink {
  return (attempt, next) => {
    let opened: unknown;
    try {
      opened = opener.openInput(attempt.envelope);
    } catch (err) {
      return rejected(toWireError(err));
    }
    const input = attempt.task.input.safeParse(opened);
    if (!input.success) {
      const issues = input.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
      return rejected({
        code: ErrorCode.INVALID_INPUT,
        message: `input breaks the ${attempt.envelope.type} contract: ${issues}`,
        retryable: false,
      });
    }
    attempt.input = input.data;
    return next(attempt);
  };
}

const rejected = (error: WireError): Promise<AttemptOutcome> => Promise.resolve({ kind: 'rejected', error });

/** A task's rate limit (KV `rate-limits`): a full window hands the job back until a slot frees. */
export function rateLimited(limiter: Pick<RateLimiter, 'acquire'>): AttemptLink {
  const limited: AttemptLink = async (attempt, next) => {
    const limit = attempt.task.rateLimit;
    if (limit) {
      const slot = await limiter.acquire(`task.${attempt.envelope.type}`, limit);
      if (!slot.allowed) return { kind: 'rate-limited', retryAfterMs: slot.retryAfterMs };
    }
    return next(attempt);
  };
  // Most tasks have no limit: they pass straight on, without a promise of their own.
  return (attempt, next) => (attempt.task.rateLimit ? limited(attempt, next) : next(attempt));
}

/**
 * Names the attempt on the job's consumer span. The span itself is opened around the
 * whole delivery (job-delivery.ts), not here: record reads and settling writes belong to
 * it, and log lines take their trace ids from it.
 */
export const traced: AttemptLink = (attempt, next) => {
  attempt.span.setAttribute(Attr.jobAttempt, attempt.attempt);
  return next(attempt);
};

/** The job's child logger (job_id, task, attempt) for the handler and for settling. */
export const logBound: AttemptLink = (attempt, next) => {
  attempt.log = lazyChild(attempt.log, { job_id: attempt.envelope.id, task: attempt.envelope.type, attempt: attempt.attempt });
  return next(attempt);
};

/** Records the attempt `running`, and tells the observer (metrics) it started. */
export function markedRunning(deps: { store: RecordStore; workerId: string; observer?: WorkerObserver | undefined }): AttemptLink {
  return (attempt, next) => {
    deps.observer?.attemptStarted(attempt.record);
    attempt.record = attemptStarted(attempt.record, attempt.attempt, deps.workerId, attempt.record.errors);
    const { log } = attempt;
    // Not awaited here: the handler starts at once. The settling write is sent without
    // waiting for it either, and checks afterwards that it landed after it
    // (settle-attempt.ts); the message is answered only once both are settled. A handler
    // that returns within this turn has it withdrawn before it is sent: the final record
    // carries the attempt's start, and a job that is done need not be shown running.
    const write = deps.store.writeProvisional(attempt.record);
    attempt.runningWrite = {
      landed: write.ack.then(
        (ack) => ack?.seq,
        (err: unknown) => {
          log.warn({ err }, 'recording running state failed');
          return undefined;
        },
      ),
      withdraw: () => write.withdraw(),
    };
    return next(attempt);
  };
}

/**
 * What the attempt leaves behind, cleaned up whatever its outcome: the trailing progress
 * report lands before the final state, child processes are killed, the temp dir removed.
 */
export const cleanedUp: AttemptLink = async (attempt, next) => {
  try {
    return await next(attempt);
  } finally {
    // Awaited only when there is something to wait for: most attempts report no progress
    // the throttle held back and never ask for a temp dir.
    const flushing = attempt.progress.flush();
    if (flushing) await flushing;
    attempt.children.killAll();
    if (attempt.tempDir.used) await attempt.tempDir.remove();
  }
};

/**
 * What the handler threw, or why its signal fired, as an outcome. A cancel or shutdown
 * wins over whatever the handler did; a soft time limit names the failure unless the
 * handler threw a classified error of its own.
 */
export const classified: AttemptLink = async (attempt, next) => {
  const { signal } = attempt.abort;
  try {
    const outcome = await next(attempt);
    const reason = signal.reason;
    if (reason instanceof CancelledError) return { kind: 'cancelled' };
    if (reason instanceof ShutdownError) return { kind: 'shutdown' };
    return outcome;
  } catch (err) {
    const reason = signal.reason;
    if (reason instanceof CancelledError) return { kind: 'cancelled' };
    if (reason instanceof ShutdownError) return { kind: 'shutdown' };
    if (err instanceof HardTimeoutError) return { kind: 'failed', error: toWireError(err) };
    if (reason instanceof SoftTimeoutError && !(err instanceof Error && 'code' in err))
      return { kind: 'failed', error: toWireError(reason) };
    return { kind: 'failed', error: toWireError(err) };
  }
};

/** In-progress acks: a live job is never redelivered, however long it runs. */
export function keptAlive(ackWaitMs: number): AttemptLink {
  const everyMs = Math.max(500, Math.floor(ackWaitMs / 3));
  return async (attempt, next) => {
    const timer = setInterval(() => attempt.message.working(), everyMs);
    try {
      return await next(attempt);
    } finally {
      clearInterval(timer);
    }
  };
}

/**
 * The soft limit aborts the handler's signal (it may clean up and give up); the hard
 * limit kills its children and ends the attempt whether the handler returns or not.
 */
export const timeLimited: AttemptLink = (attempt, next) => {
  const { abort, children } = attempt;
  const { softMs, hardMs } = timeLimits(attempt.task, attempt.envelope.timeoutMs);
  const softTimer = setTimeout(() => abort.abort(new SoftTimeoutError(softMs)), softMs);
  let hardTimer: NodeJS.Timeout | undefined;
  const hardLimit = new Promise<never>((_, reject) => {
    hardTimer = setTimeout(() => {
      children.killAll();
      if (!abort.signal.aborted) abort.abort(new HardTimeoutError(hardMs));
      reject(new HardTimeoutError(hardMs));
    }, hardMs);
  });
  return Promise.race([next(attempt), hardLimit]).finally(() => {
    clearTimeout(softTimer);
    clearTimeout(hardTimer);
  });
};

/**
 * Cancels reach the running attempt, including one that came in while it was being
 * set up; a cancel or shutdown the handler ignores still ends the attempt within a second.
 */
export function cancellable(cancellations: { has(id: string): boolean }): AttemptLink {
  return (attempt, next) => {
    const { abort } = attempt;
    const abandoned = new Promise<never>((_, reject) => {
      abort.signal.addEventListener('abort', () => {
        const reason = abort.signal.reason;
        if (reason instanceof CancelledError || reason instanceof ShutdownError) {
          setTimeout(() => reject(reason), 1_000).unref();
        }
      });
    });
    if (cancellations.has(attempt.envelope.id)) cancelAttempt(attempt);
    return Promise.race([next(attempt), abandoned]);
  };
}

/** What the handler returned, through the task's output schema: breaking it is permanent. */
export const outputParsed: AttemptLink = async (attempt, next) => {
  const outcome = await next(attempt);
  if (outcome.kind !== 'succeeded') return outcome;
  const parsed = attempt.task.output.safeParse(outcome.result);
  if (parsed.success) return { kind: 'succeeded', result: parsed.data };
  return {
    kind: 'failed',
    error: {
      code: ErrorCode.OUTPUT_INVALID,
      message: `handler returned output that breaks the ${attempt.envelope.type} contract: ${parsed.error.message}`,
      retryable: false,
    },
  };
};

/** The innermost step: the handler itself, with its context. Its raw output is `result`. */
export function callHandler(artifacts: ArtifactStore): AttemptNext {
  return async (attempt) => {
    const { envelope, progress, tempDir, message } = attempt;
    const ctx: JobContext = {
      jobId: envelope.id,
      job: envelope,
      attempt: attempt.attempt,
      signal: attempt.abort.signal,
      log: attempt.log,
      artifacts: artifacts.forProject(envelope.project),
      children: attempt.children,
      keepAlive: () => message.working(),
      progress: (percent, stage) => progress.report(percent, stage),
      tempDir: () => tempDir.path(),
    };
    return { kind: 'succeeded', result: await attempt.handler(attempt.input, ctx) };
  };
}
