import { createWriteStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ErrorCode, type mediaTasks } from '@reelay/contracts';
import {
  contentTypeFor,
  type TaskHandler,
  type JobContext,
  PermanentError,
  RetryAfterError,
  ReelayError,
  TransientError,
  checkLiteralHost,
  guardedLookup,
} from '@reelay/runtime';
import { stem } from './artifact-files.js';
import type { MediaDeps } from './media-deps.js';

/**
 * media.download: a URL into the artifact store. Size is capped twice (a declared
 * Content-Length over the cap is refused before a byte is read; a stream that runs over
 * is cut), time once for the whole download, redirects are followed by hand so each hop
 * goes through the address guard again.
 */

const MAX_REDIRECTS = 5;

export function downloadHandler(deps: MediaDeps): TaskHandler<(typeof mediaTasks)['media.download']> {
  return async (input, ctx) => {
    const maxBytes = Math.min(input.maxBytes ?? Number.POSITIVE_INFINITY, deps.download.maxBytes);
    const deadline = AbortSignal.timeout(input.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, deadline]);
    const dir = await ctx.tempDir();
    const file = path.join(dir, `download-${ctx.jobId}`);
    try {
      const { response, url } = await follow(new URL(input.url), signal, deps.download.allowPrivate);
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.resume();
        throw new PermanentError(`${url.host} declares ${declared} bytes, over the ${maxBytes}-byte limit`);
      }
      await pipeline(response, byteCounter(ctx, maxBytes, Number.isFinite(declared) ? declared : undefined), createWriteStream(file), {
        signal,
      });
      const name = input.name ?? nameFromUrl(url);
      const contentType = mediaType(response.headers['content-type']) ?? contentTypeFor(name);
      ctx.progress(97, 'store');
      const artifact = await ctx.artifacts.putFile(file, { name, contentType });
      return { artifact, finalUrl: url.toString(), contentType };
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (deadline.aborted) throw new TransientError(`download did not finish within ${input.timeoutMs} ms`);
      if (err instanceof ReelayError) throw err;
      throw new TransientError(`download failed: ${(err as Error).message}`, { cause: err });
    }
  };
}

async function follow(start: URL, signal: AbortSignal, allowPrivate: boolean): Promise<{ response: IncomingMessage; url: URL }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    if (!allowPrivate) checkLiteralHost(url.hostname);
    const response = await get(url, signal, allowPrivate);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.resume();
      if (hop >= MAX_REDIRECTS) throw new PermanentError(`more than ${MAX_REDIRECTS} redirects from ${start.host}`);
      url = new URL(location, url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PermanentError(`redirect to a ${url.protocol} URL refused`);
      continue;
    }
    if (status >= 200 && status < 300) return { response, url };
    response.resume();
    throw statusError(status, response.headers['retry-after'], url);
  }
}

function get(url: URL, signal: AbortSignal, allowPrivate: boolean): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, {
      signal,
      ...(allowPrivate ? {} : { lookup: guardedLookup }),
      headers: { 'user-agent': 'reelay-render-gpu' },
    });
    req.once('response', resolve);
    req.once('error', reject);
  });
}

/** 429/503 say when to come back; other 5xx may pass; 4xx will not. */
function statusError(status: number, retryAfter: string | undefined, url: URL): Error {
  const message = `${url.host} answered HTTP ${status}`;
  if (status === 429 || status === 503) {
    const seconds = Number(retryAfter);
    const when = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter ?? '') - Date.now();
    if (Number.isFinite(when) && when > 0) return new RetryAfterError(message, Math.min(when, 3_600_000));
  }
  if (status >= 500 || status === 429 || status === 408) return new TransientError(message, { code: ErrorCode.PROVIDER_ERROR });
  return new PermanentError(message, { code: ErrorCode.PROVIDER_ERROR });
}

function byteCounter(ctx: JobContext, maxBytes: number, declared: number | undefined): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > maxBytes) return cb(new PermanentError(`download passed the ${maxBytes}-byte limit`));
      ctx.progress(declared ? (seen / declared) * 95 : 50, `download ${Math.round(seen / 1024)} KiB`);
      cb(null, chunk);
    },
  });
}

function nameFromUrl(url: URL): string {
  const last = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  const ext = path
    .extname(last)
    .replace(/[^A-Za-z0-9.]/g, '')
    .slice(0, 6);
  return last ? `${stem(last)}${ext}` : 'download';
}

function mediaType(header: string | undefined): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type && /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type) ? type : undefined;
}
