import http from 'node:http';
import https from 'node:https';
import { ErrorCode, type WebhookPublishOutput, type publishTasks } from '@reelay/contracts';
import { checkLiteralHost, ForbiddenAddressError, guardedLookup, PermanentError, type TaskHandler, TransientError } from '@reelay/runtime';
import type { Credentials } from '../credentials.js';
import { errorForResponse } from '../provider-errors.js';
import type { Publications } from '../publications.js';
import { signWebhook } from '../webhook-signature.js';

export interface WebhookDeps {
  credentials: Credentials;
  publications: Publications;
  allowPrivateUrls: boolean;
  timeoutMs: number;
}

/**
 * publish.webhook: POSTs the payload as JSON, signed (webhook-signature.ts), with
 * `Reelay-Delivery: <job id>` so receivers can drop duplicates — delivery is at least
 * once, as with every webhook: a receiver that answered 2xx after we died is called again.
 * A recorded delivery is never repeated. Redirects are not followed (they could point
 * anywhere); 5xx, 408 and network failures are retried with backoff, 429 after Retry-After.
 */
export function publishWebhookHandler(deps: WebhookDeps): TaskHandler<(typeof publishTasks)['publish.webhook']> {
  return async (input, ctx) => {
    const project = ctx.job.project;
    const { secret } = deps.credentials.account(project, 'webhook', input.account);
    const publication = await deps.publications.open(ctx.jobId, project, 'webhook', input.account);
    if (publication.record.state === 'published') return publication.record.result as WebhookPublishOutput;
    const url = new URL(input.url);
    if (!deps.allowPrivateUrls) checkLiteralHost(url.hostname);
    await publication.save({ url: url.origin + url.pathname });
    const body = JSON.stringify(input.payload);
    const status = await post(
      url,
      body,
      {
        'content-type': 'application/json',
        'user-agent': 'Reelay-Webhooks/1',
        'reelay-delivery': ctx.jobId,
        'reelay-signature': signWebhook(secret, body),
      },
      { timeoutMs: deps.timeoutMs, signal: ctx.signal, guard: !deps.allowPrivateUrls },
    );
    const result: WebhookPublishOutput = { delivered: true, status, deliveryId: ctx.jobId };
    await publication.published(result);
    return result;
  };
}

function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; signal: AbortSignal; guard: boolean },
): Promise<number> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        signal: options.signal,
        timeout: options.timeoutMs,
        ...(options.guard ? { lookup: guardedLookup as never } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          // Enough to quote the receiver's message; the rest is not ours to keep.
          if (chunks.length < 8) chunks.push(c);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(status);
          const text = Buffer.concat(chunks).toString('utf8').slice(0, 300);
          if (status >= 300 && status < 400) {
            return reject(
              new PermanentError(`webhook receiver answered ${status} (redirects are not followed)`, { code: ErrorCode.PROVIDER_ERROR }),
            );
          }
          const headersOut = new Headers();
          const retryAfter = res.headers['retry-after'];
          if (typeof retryAfter === 'string') headersOut.set('retry-after', retryAfter);
          reject(errorForResponse('webhook receiver', status, headersOut, text, () => ({ message: text || `HTTP ${status}` })));
        });
        res.on('error', (err) => reject(new TransientError(`webhook response broke off: ${err.message}`)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (err) => {
      if (err instanceof ForbiddenAddressError) return reject(err);
      if (options.signal.aborted) return reject(options.signal.reason);
      reject(new TransientError(`webhook delivery to ${url.host} failed: ${err.message}`));
    });
    req.end(body);
  });
}
