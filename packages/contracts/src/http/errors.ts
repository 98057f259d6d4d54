import { z } from 'zod';

/** Every non-2xx gateway answer: `{error:{code, message, details?}}`. */
export const ErrorResponse = z.object({
  error: z.object({
    code: z.string().describe('A stable code (docs/errors.md lists them): decide by it, never by the message.'),
    message: z.string().describe('What went wrong, for people; it may change between versions.'),
    details: z.unknown().optional().describe('More, by code: for INVALID_INPUT a list of `{path, message}`, one per failing field.'),
  }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** Gateway error codes beyond the job error codes, with their HTTP status. */
export const HttpErrorCode = {
  INVALID_INPUT: 'INVALID_INPUT',
  /** A submit named a task type no worker has registered. */
  UNKNOWN_TASK: 'UNKNOWN_TASK',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  TIMEOUT: 'TIMEOUT',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  URI_TOO_LONG: 'URI_TOO_LONG',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RANGE_NOT_SATISFIABLE: 'RANGE_NOT_SATISFIABLE',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL',
  UNAVAILABLE: 'UNAVAILABLE',
} as const;
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

export const HTTP_STATUS_BY_CODE: Record<HttpErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_TASK: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TIMEOUT: 408,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};
