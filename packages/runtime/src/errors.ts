import { ErrorCode, type WireError } from '@reelay/contracts';

/**
 * The base of every error Reelay throws on purpose: a stable `code` and whether running
 * the same work again could succeed. Anything that is not a ReelayError is UNKNOWN and
 * retryable (an unclassified failure is more often transient than not).
 */
export class ReelayError extends Error {
  /** One of the catalogue's codes (contracts errors.ts, docs/errors.md): receivers decide by it. */
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, options: { retryable: boolean; cause?: unknown; details?: unknown }) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable;
    this.details = options.details;
  }
}

/** Will never succeed: bad input, corrupt media, a platform's 4xx. Goes to the DLQ at once. */
export class PermanentError extends ReelayError {
  constructor(message: string, options: { code?: ErrorCode; cause?: unknown; details?: unknown } = {}) {
    super(options.code ?? ErrorCode.PERMANENT, message, { retryable: false, ...options });
  }
}

/** May succeed later: retried with the task's backoff. */
export class TransientError extends ReelayError {
  constructor(message: string, options: { code?: ErrorCode; cause?: unknown; details?: unknown } = {}) {
    super(options.code ?? ErrorCode.TRANSIENT, message, { retryable: true, ...options });
  }
}

/** Come back after `retryAfterMs` (a 429 or 503): does not spend an attempt. */
export class RetryAfterError extends ReelayError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options: { cause?: unknown; details?: unknown } = {}) {
    super(ErrorCode.RETRY_AFTER, message, { retryable: true, ...options });
    this.retryAfterMs = Math.max(0, Math.round(retryAfterMs));
  }
}

/** Configuration could not be parsed; the process cannot start. */
export class ConfigError extends ReelayError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(ErrorCode.CONFIG_INVALID, `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      retryable: false,
    });
    this.problems = problems;
  }
}

export function toWireError(err: unknown): WireError {
  if (err instanceof RetryAfterError) {
    return { code: err.code, message: err.message, retryable: true, retryAfterMs: err.retryAfterMs };
  }
  if (err instanceof ReelayError) {
    const wire: WireError = { code: err.code, message: err.message, retryable: err.retryable };
    if (err.details !== undefined) wire.details = err.details;
    return wire;
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: ErrorCode.UNKNOWN, message, retryable: true };
}
