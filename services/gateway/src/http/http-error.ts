import { HTTP_STATUS_BY_CODE, type HttpErrorCode } from '@reelay/contracts';

/** An error that is already an HTTP answer. `retryAfterMs` becomes a Retry-After header. */
export class HttpError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: unknown,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.statusCode = HTTP_STATUS_BY_CODE[code];
  }
}
