/**
 * A provider's result file fetched into the job's directory: the picture behind an
 * images API's `url` answer, the video behind a D-ID talk's `result_url`. Those URLs
 * point at the provider's file host (pre-signed), so they are fetched without our key
 * and outside the provider's request budget. The body is streamed to disk, not held in
 * memory (an avatar video can be tens of megabytes). Failures are the provider's
 * transient PROVIDER_ERROR; a cancelled job's abort reason is rethrown as it is.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { type ProviderHttp, providerNetworkError } from '@reelay/ai-providers';
import { ErrorCode } from '@reelay/contracts';
import { type JobContext, TransientError } from '@reelay/runtime';

export interface ResultFileDownload {
  /** The provider the URL came from: its name in errors, its key scrubbed from them. */
  http: ProviderHttp;
  url: string;
  /** Absolute path to write. */
  file: string;
  ctx: Pick<JobContext, 'signal'>;
  /** For the whole download, headers and body. */
  timeoutMs: number;
  /** What the URL is, for the error: "the image URL", "the result URL". */
  what: string;
}

export async function downloadResultFile({ http, url, file, ctx, timeoutMs, what }: ResultFileDownload): Promise<void> {
  const failed = (err: unknown): unknown =>
    ctx.signal.aborted ? ctx.signal.reason : providerNetworkError(http.name, err, timeoutMs, [http.options.apiKey]);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) });
  } catch (err) {
    throw failed(err);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new TransientError(`${http.name}: ${what} answered ${response.status}`, { code: ErrorCode.PROVIDER_ERROR });
  }
  try {
    await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>), createWriteStream(file));
  } catch (err) {
    throw failed(err);
  }
}
