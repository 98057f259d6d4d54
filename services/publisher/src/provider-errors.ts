import { ErrorCode } from '@reelay/contracts';
import { PermanentError, RetryAfterError, TransientError } from '@reelay/runtime';

/**
 * How a platform's HTTP answer becomes one of the runtime's error classes — the only
 * place that decides retry or not for outside calls:
 *   429 → RetryAfterError (Retry-After honoured; no attempt spent)
 *   408, 5xx, network, timeout → TransientError (retried with backoff)
 *   any other 4xx → ProviderError (permanent, straight to the DLQ with the platform's message)
 */

/** A platform refused the request for good; `message` carries the platform's own words. */
export class ProviderError extends PermanentError {
  constructor(platform: string, status: number, providerMessage: string, providerCode?: string | number) {
    super(`${platform} answered ${status}: ${providerMessage}`, {
      code: ErrorCode.PROVIDER_ERROR,
      details: { platform, status, ...(providerCode !== undefined ? { providerCode } : {}) },
    });
  }
}

/** What a platform said, pulled from its error body (each platform shapes it differently). */
export interface ProviderFault {
  message: string;
  code?: string | number;
  /** The platform says this class of error is temporary, whatever the status. */
  transient?: boolean;
  /** The platform signals throttling in the body rather than with a 429 (Graph API). */
  throttled?: boolean;
}

export type DescribeFault = (status: number, body: string) => ProviderFault;

const DEFAULT_RETRY_AFTER_MS = 60_000;

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (!header) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, at - now);
}

export function errorForResponse(platform: string, status: number, headers: Headers, body: string, describe: DescribeFault): Error {
  const fault = describe(status, body);
  const text = `${platform} answered ${status}: ${fault.message}`;
  if (status === 429 || fault.throttled) return new RetryAfterError(text, retryAfterMs(headers.get('retry-after')));
  if (status === 408 || status >= 500 || fault.transient) {
    return new TransientError(text, { details: { platform, status, ...(fault.code !== undefined ? { providerCode: fault.code } : {}) } });
  }
  return new ProviderError(platform, status, fault.message, fault.code);
}

/** The network failed (refused, reset, timed out): worth another try. */
export function networkError(platform: string, err: unknown): TransientError {
  const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
  return new TransientError(`${platform} unreachable: ${cause}`, { details: { platform } });
}
