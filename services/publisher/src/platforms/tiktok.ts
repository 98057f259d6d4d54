import { PublishPlatform, type TiktokPublishInput, type TiktokPublishOutput } from '@reelay/contracts';
import type { z } from 'zod';
import { readChunk } from '../file-chunks.js';
import { parseBody } from '../platform-http.js';
import { type DescribeFault, ProviderError } from '../provider-errors.js';
import { type PollOptions, pollUntil } from '../status-polling.js';
import type { UploadJob, VideoFile, VideoPlatform } from './video-platform.js';

type Input = z.output<typeof TiktokPublishInput>;

/** TikTok answers every call with `{data, error: {code, message, log_id}}`; code "ok" is success. */
interface TiktokAnswer<D> {
  data?: D;
  error?: { code?: string; message?: string; log_id?: string };
}

/**
 * TikTok Content Posting API, direct post with FILE_UPLOAD:
 *   POST /v2/post/publish/video/init/ {post_info, source_info: {source: FILE_UPLOAD,
 *     video_size, chunk_size, total_chunk_count}} → {publish_id, upload_url} — recorded at once
 *   PUT upload_url, Content-Range: bytes a-b/total, one chunk at a time (206, then 201)
 *     — each chunk recorded as done, so a redelivered job goes on from the next one
 *   POST /v2/post/publish/status/fetch/ {publish_id} until PUBLISH_COMPLETE or FAILED.
 * TikTok posts once the last chunk lands; the publish_id is reused on every resume.
 */
export class TiktokPlatform implements VideoPlatform<Input, TiktokPublishOutput> {
  readonly platform = PublishPlatform.tiktok;
  readonly needsFile = true;

  constructor(private readonly options: { baseUrl: string; chunkBytes: number; poll: Omit<PollOptions, 'signal'> }) {}

  readonly describe: DescribeFault = (status, body) => {
    const error = (parseBody(body) as TiktokAnswer<unknown> | undefined)?.error;
    return {
      message: error?.message || error?.code || body.slice(0, 300) || `HTTP ${status}`,
      ...(error?.code ? { code: error.code } : {}),
    };
  };

  async publish(job: UploadJob<Input>): Promise<TiktokPublishOutput> {
    const file = job.file as VideoFile;
    const session = job.publication.session as { publishId?: string; uploadUrl?: string; chunkSize?: number; chunksDone?: number };
    if (!session.publishId || !session.uploadUrl) {
      await job.publication.save({});
      const plan = chunkPlan(file.size, this.options.chunkBytes);
      const data = await this.call<{ publish_id: string; upload_url: string }>(job, '/v2/post/publish/video/init/', {
        post_info: {
          title: job.input.title,
          privacy_level: job.input.privacyLevel,
          disable_comment: job.input.disableComment,
          disable_duet: job.input.disableDuet,
          disable_stitch: job.input.disableStitch,
          is_aigc: job.input.isAigc,
        },
        source_info: { source: 'FILE_UPLOAD', video_size: file.size, chunk_size: plan.chunkSize, total_chunk_count: plan.count },
      });
      await job.publication.save({ publishId: data.publish_id, uploadUrl: data.upload_url, chunkSize: plan.chunkSize, chunksDone: 0 });
    } else {
      job.log.info({ chunks_done: session.chunksDone }, 'resuming tiktok upload');
    }
    const { publishId, uploadUrl, chunkSize } = job.publication.session as { publishId: string; uploadUrl: string; chunkSize: number };
    const count = chunkPlan(file.size, chunkSize).count;
    for (let index = Number(job.publication.session.chunksDone ?? 0); index < count; index++) {
      const start = index * chunkSize;
      // The last chunk takes the remainder (TikTok: total_chunk_count = floor(size / chunk_size)).
      const end = index === count - 1 ? file.size - 1 : start + chunkSize - 1;
      const res = await job.http.send({
        method: 'PUT',
        url: uploadUrl,
        // The upload URL carries its own upload token.
        auth: false,
        headers: { 'content-type': file.contentType, 'content-range': `bytes ${start}-${end}/${file.size}` },
        body: await readChunk(file.path, start, end - start + 1),
      });
      await res.body?.cancel();
      await job.publication.save({ chunksDone: index + 1 });
      job.progress(Math.floor(((index + 1) / count) * 80), 'uploading to tiktok');
    }
    job.progress(85, 'tiktok processing');
    const postId = await pollUntil(`tiktok publish ${publishId}`, { ...this.options.poll, signal: job.signal }, async () => {
      const data = await this.call<{ status: string; fail_reason?: string; publicaly_available_post_id?: Array<string | number> }>(
        job,
        '/v2/post/publish/status/fetch/',
        { publish_id: publishId },
      );
      if (data.status === 'FAILED') throw new ProviderError('tiktok', 200, data.fail_reason ?? 'publishing failed', 'FAILED');
      if (data.status === 'PUBLISH_COMPLETE') return { done: data.publicaly_available_post_id?.[0]?.toString() ?? '' };
      return { pending: true };
    });
    return { platform: 'tiktok', account: job.input.account, publishId, ...(postId ? { postId } : {}) };
  }

  /** POST JSON; a 200 whose error.code is not "ok" is still an error. */
  private async call<D>(job: UploadJob<Input>, path: string, body: unknown): Promise<D> {
    const answer = await job.http.json<TiktokAnswer<D>>({ method: 'POST', url: `${this.options.baseUrl}${path}`, json: body });
    if (answer.error?.code && answer.error.code !== 'ok') {
      throw new ProviderError('tiktok', 200, answer.error.message || answer.error.code, answer.error.code);
    }
    if (!answer.data) throw new ProviderError('tiktok', 200, `no data in the answer to ${path}`);
    return answer.data;
  }
}

/** Videos up to one chunk go whole; larger ones in floor(size / chunk) chunks, the last one bigger. */
export function chunkPlan(size: number, chunkBytes: number): { chunkSize: number; count: number } {
  if (size <= chunkBytes) return { chunkSize: size, count: 1 };
  return { chunkSize: chunkBytes, count: Math.floor(size / chunkBytes) };
}
