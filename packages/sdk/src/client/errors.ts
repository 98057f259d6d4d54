import { ErrorResponse } from '@reelay/contracts';

/**
 * What the SDK throws. Callers decide by `code` (and `retryable`), never by message text,
 * as everywhere in Reelay.
 */
export class ReelayError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReelayError';
    this.code = code;
    this.retryable = options.retryable;
  }
}

/** Statuses where the same request may succeed later: timeouts, rate limits, an unavailable server. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 503]);

/** The gateway answered with a non-2xx status and `{error:{code,message,details?}}`. */
export class ReelayApiError extends ReelayError {
  readonly status: number;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(code, message, { retryable: RETRYABLE_STATUSES.has(status) });
    this.name = 'ReelayApiError';
    this.status = status;
    this.details = details;
  }

  /**
   * Builds the error from a failed response. A body that is not the contracts' error shape
   * (a proxy's HTML page) still yields an error with a code derived from the status.
   */
  static async fromResponse(response: Response): Promise<ReelayApiError> {
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = ErrorResponse.safeParse(json);
    if (parsed.success) {
      const { code, message, details } = parsed.data.error;
      return new ReelayApiError(response.status, code, message, details);
    }
    const message = text.trim().slice(0, 200) || response.statusText || `HTTP ${response.status}`;
    return new ReelayApiError(response.status, codeForStatus(response.status), message);
  }
}

/** The request never got an answer: refused connection, DNS failure, reset, or the client's own timeout. */
export class ReelayConnectionError extends ReelayError {
  constructor(message: string, options: { cause?: unknown; code?: 'NETWORK' | 'CLIENT_TIMEOUT' } = {}) {
    super(options.code ?? 'NETWORK', message, { retryable: true, cause: options.cause });
    this.name = 'ReelayConnectionError';
  }
}

/**
 * The gateway answered 2xx with a body the contracts reject: the SDK and the gateway
 * disagree on a schema (usually different versions). Retrying will not help.
 */
export class ReelayProtocolError extends ReelayError {
  readonly issues: unknown;

  constructor(message: string, issues: unknown) {
    super('PROTOCOL', message, { retryable: false });
    this.name = 'ReelayProtocolError';
    this.issues = issues;
  }
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_INPUT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 408:
      return 'TIMEOUT';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 416:
      return 'RANGE_NOT_SATISFIABLE';
    case 429:
      return 'RATE_LIMITED';
    case 503:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'HTTP_ERROR';
  }
}
