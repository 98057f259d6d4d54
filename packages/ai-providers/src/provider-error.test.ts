import { describe, expect, it } from 'vitest';
import { PermanentError, RetryAfterError, TransientError } from '@reelay/runtime';
import { providerHttpError, providerNetworkError, retryAfter, scrub } from './provider-error.js';

const KEY = 'sk-unit-0123456789abcdef';
const body = (message: string, code: string | null = null) =>
  JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
const fail = (status: number, text: string, headers: Record<string, string> = {}) =>
  providerHttpError({ provider: 'openai-compatible', status, headers: new Headers(headers), body: text, secrets: [KEY] });

describe('provider error classification', () => {
  it('a 429 with Retry-After becomes a RetryAfterError with that wait', () => {
    const err = fail(429, body('Rate limit reached'), { 'retry-after': '2' });
    expect(err).toBeInstanceOf(RetryAfterError);
    expect((err as RetryAfterError).retryAfterMs).toBe(2_000);
  });

  it('a 503 with retry-after-ms waits that many milliseconds', () => {
    const err = fail(503, body('overloaded'), { 'retry-after-ms': '750' });
    expect((err as RetryAfterError).retryAfterMs).toBe(750);
  });

  it('a 429 without Retry-After and a 500 are transient PROVIDER_ERRORs', () => {
    for (const err of [fail(429, body('slow down')), fail(500, body('server error'))]) {
      expect(err).toBeInstanceOf(TransientError);
      expect((err as TransientError).code).toBe('PROVIDER_ERROR');
    }
  });

  it('a 400 is a permanent PROVIDER_ERROR carrying the provider’s message, type and code', () => {
    const err = fail(400, body("Invalid 'model'", 'model_not_found')) as PermanentError;
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.code).toBe('PROVIDER_ERROR');
    expect(err.message).toBe("openai-compatible answered 400: Invalid 'model'");
    expect(err.details).toEqual({ status: 400, type: 'invalid_request_error', providerCode: 'model_not_found' });
  });

  it('an echoed key is scrubbed from the message and the details', () => {
    const err = fail(401, body(`Incorrect API key provided: ${KEY}`, KEY)) as PermanentError;
    expect(err.message).not.toContain(KEY);
    expect(JSON.stringify(err.details)).not.toContain(KEY);
    expect(err.message).toContain('[redacted]');
  });

  it('a non-JSON error body is quoted as text', () => {
    expect(fail(502, '<html>Bad gateway</html>').message).toBe('openai-compatible answered 502: <html>Bad gateway</html>');
  });

  it('a timeout is a transient error that names the timeout', () => {
    const cause = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const err = providerNetworkError('openai-compatible', cause, 5_000, [KEY]);
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toBe('openai-compatible request failed: no answer within 5000 ms');
  });

  it('Retry-After as an HTTP date counts down from now', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3_000);
    expect(retryAfter(new Headers({}), now)).toBeUndefined();
  });

  it('scrub ignores empty and very short secrets', () => {
    expect(scrub('abc key', [undefined, '', 'ab'])).toBe('abc key');
  });

  it('a D-ID {kind, description} body gives its description as the message and its kind as the type', () => {
    const err = fail(400, JSON.stringify({ kind: 'BadRequestError', description: 'Failed to validate script' }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe('openai-compatible answered 400: Failed to validate script');
    expect((err as PermanentError).details).toMatchObject({ status: 400, type: 'BadRequestError' });
  });
});
