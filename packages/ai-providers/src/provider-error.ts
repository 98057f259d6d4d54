/**
 * Turns a provider's HTTP answer into Reelay's typed errors, so the runtime settles it
 * by class: 429/503 with Retry-After wait without spending an attempt, other 429/5xx and
 * network failures retry with backoff, every other 4xx is permanent. The provider's own
 * message is kept (it says what was wrong); the API key is scrubbed from it, because
 * some providers echo the key they were given.
 */
import { ErrorCode } from '@reelay/contracts';
import { PermanentError, RetryAfterError, TransientError } from '@reelay/runtime';

/** Longest Retry-After we honour as a free wait; longer ones fall back to backoff. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

export interface ProviderFailure {
  provider: string;
  status: number;
  headers: Headers;
  body: string;
  /** Secrets to scrub from anything that leaves this module. */
  secrets: readonly (string | undefined)[];
}

export function providerHttpError(failure: ProviderFailure): Error {
  const { provider, status } = failure;
  const parsed = providerMessage(failure.body);
  const text = parsed?.message ?? (failure.body.trim().slice(0, 300) || `HTTP ${status}`);
  const message = scrub(`${provider} answered ${status}: ${text}`, failure.secrets);
  const details: Record<string, unknown> = { status };
  if (parsed?.type) details.type = parsed.type;
  if (parsed?.code) details.providerCode = scrub(parsed.code, failure.secrets);
  const retryAfterMs = retryAfter(failure.headers);
  if ((status === 429 || status === 503) && retryAfterMs !== undefined && retryAfterMs <= MAX_RETRY_AFTER_MS) {
    return new RetryAfterError(message, retryAfterMs, { details });
  }
  if (status === 429 || status === 408 || status >= 500) {
    return new TransientError(message, { code: ErrorCode.PROVIDER_ERROR, details });
  }
  return new PermanentError(message, { code: ErrorCode.PROVIDER_ERROR, details });
}

/** A request that never got an answer: refused, reset, or past its timeout. */
export function providerNetworkError(provider: string, cause: unknown, timeoutMs: number, secrets: readonly (string | undefined)[]): Error {
  const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
  const reason = timedOut ? `no answer within ${timeoutMs} ms` : describeCause(cause);
  return new TransientError(scrub(`${provider} request failed: ${reason}`, secrets), { code: ErrorCode.PROVIDER_ERROR });
}

/** Replaces every configured secret in `text`. */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

/** `Retry-After` (seconds or an HTTP date) or OpenAI's `retry-after-ms`. */
export function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1_000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

type Detail = { message?: string; type?: string; code?: string };

/** OpenAI-style `{error:{message,type,code}}`, also `{error:"…"}`, `{detail:…}` (ElevenLabs, FastAPI), `{kind,description}` (D-ID). */
function providerMessage(body: string): Detail | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const root = parsed as Record<string, unknown>;
  // D-ID: {kind: "BadRequestError", description: "…"}.
  if (typeof root.kind === 'string' && typeof root.description === 'string') return { message: root.description, type: root.kind };
  const error = root.error ?? root.detail;
  if (typeof error === 'string') return { message: error };
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    const message = typeof e.message === 'string' ? e.message : typeof e.msg === 'string' ? e.msg : JSON.stringify(e).slice(0, 300);
    const out: Detail = { message };
    if (typeof e.type === 'string') out.type = e.type;
    if (typeof e.code === 'string' || typeof e.code === 'number') out.code = String(e.code);
    else if (typeof e.status === 'string') out.code = e.status;
    return out;
  }
  return undefined;
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as Error & { cause?: { code?: string; message?: string } }).cause;
  return inner?.code ? `${cause.message} (${inner.code})` : cause.message;
}
