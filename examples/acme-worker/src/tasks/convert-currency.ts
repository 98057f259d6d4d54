import { PermanentError, RetryAfterError, TransientError, implementTask } from '@reelay/runtime';
import { z } from 'zod';
import type { AcmeEnv } from '../config.js';
import { convertCurrency } from '../contracts.js';

/** What the rates API answers: `GET <base>/rates/EUR/USD` → `{"rate": 1.08}`. */
const RateAnswer = z.object({ rate: z.number().positive() });

/** When a 429 or 503 carries no usable Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * The outcome of each answer decides the retry, by error class rather than by message:
 * 429/503 → RetryAfterError (back after Retry-After, no attempt spent); another 4xx →
 * PermanentError (straight to the DLQ: asking again will not help); 5xx → TransientError
 * (retried with backoff, spending an attempt). A dropped connection or a timeout is an
 * unclassified error, which the runtime retries like a transient one.
 */
export function convertCurrencyTask(config: Pick<AcmeEnv, 'ACME_RATES_URL' | 'ACME_RATES_TIMEOUT_MS'>) {
  return implementTask(convertCurrency, async ({ amount, from, to }, ctx) => {
    const url = new URL(`rates/${from}/${to}`, withTrailingSlash(config.ACME_RATES_URL));
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      // Either the job is cancelled (or past its soft limit) or the call takes too long.
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(config.ACME_RATES_TIMEOUT_MS)]),
    });
    if (response.status === 429 || response.status === 503) {
      await response.body?.cancel();
      const waitMs = retryAfterMs(response.headers.get('retry-after')) ?? DEFAULT_RETRY_AFTER_MS;
      throw new RetryAfterError(`rates API answered ${response.status}; retrying in ${waitMs} ms`, waitMs);
    }
    if (response.status >= 400 && response.status < 500) {
      throw new PermanentError(`rates API refused ${from}→${to}: ${response.status} ${await response.text()}`, {
        details: { status: response.status },
      });
    }
    if (!response.ok) throw new TransientError(`rates API answered ${response.status}`, { details: { status: response.status } });
    const answer = RateAnswer.safeParse(await response.json());
    if (!answer.success) throw new PermanentError('rates API answered an unexpected body', { details: answer.error.issues });
    ctx.log.info({ from, to, rate: answer.data.rate }, 'rate quoted');
    const { rate } = answer.data;
    const converted = Math.round(amount * rate * 100) / 100;
    return { amount, from, to, rate, converted, summary: `${amount} ${from} = ${converted} ${to}` };
  });
}

/**
 * A Retry-After header in milliseconds: delay-seconds (`120`) or an HTTP-date; undefined
 * when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  // Every HTTP-date form (RFC 9110 §5.6.7) ends in GMT; Date.parse alone takes "1.5" for a date.
  if (!value.endsWith('GMT')) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `new URL('rates/…', base)` keeps the base's path only when it ends in a slash. */
function withTrailingSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}
