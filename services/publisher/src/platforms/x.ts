import { PublishPlatform, type XPublishInput, type XPublishOutput } from '@reelay/contracts';
import { TransientError } from '@reelay/runtime';
import type { z } from 'zod';
import { readChunk } from '../file-chunks.js';
import { parseBody } from '../platform-http.js';
import { type DescribeFault, ProviderError } from '../provider-errors.js';
import { type PollOptions, pollUntil } from '../status-polling.js';
import type { UploadJob, VideoFile, VideoPlatform } from './video-platform.js';

type Input = z.output<typeof XPublishInput>;

interface ProcessingInfo {
  state: 'pending' | 'in_progress' | 'succeeded' | 'failed';
  check_after_secs?: number;
  progress_percent?: number;
  error?: { code?: number; name?: string; message?: string };
}

/**
 * X chunked media upload (media/upload.json) and a post:
 *   INIT total_bytes media_type media_category=tweet_video → media_id_string — recorded
 *   APPEND media_id segment_index media (multipart) — each segment recorded as done
 *   FINALIZE → processing_info; STATUS every check_after_secs until succeeded / failed
 *   POST /2/tweets {text, media: {media_ids}}
 * X has no idempotency key for posts. Before posting, the record says "posting"; a job
 * that resumes in that state first looks for a post of the account carrying this media
 * (GET /2/users/me, /2/users/:id/tweets with attachments) and posts only if none exists.
 */
export class XPlatform implements VideoPlatform<Input, XPublishOutput> {
  readonly platform = PublishPlatform.x;
  readonly needsFile = true;

  constructor(
    private readonly options: { baseUrl: string; uploadBaseUrl: string; chunkBytes: number; poll: Omit<PollOptions, 'signal'> },
  ) {}

  readonly describe: DescribeFault = (status, body) => {
    // v1.1: {"errors":[{"code":324,"message":"..."}]}; v2: {"title","detail","type"} or {"errors":[{"message"}]}
    const parsed = parseBody(body);
    const first = parsed?.errors?.[0];
    const message = first?.message ?? parsed?.detail ?? parsed?.error ?? parsed?.title;
    return {
      message: typeof message === 'string' ? message : body.slice(0, 300) || `HTTP ${status}`,
      ...(first?.code !== undefined ? { code: first.code } : {}),
    };
  };

  async publish(job: UploadJob<Input>): Promise<XPublishOutput> {
    const file = job.file as VideoFile;
    const upload = `${this.options.uploadBaseUrl}/1.1/media/upload.json`;
    const s = () =>
      job.publication.session as { mediaId?: string; segmentsDone?: number; finalized?: boolean; processed?: boolean; posting?: boolean };
    if (!s().mediaId) {
      await job.publication.save({});
      const init = await job.http.json<{ media_id_string?: string }>({
        method: 'POST',
        url: upload,
        form: new URLSearchParams({
          command: 'INIT',
          total_bytes: String(file.size),
          media_type: file.contentType,
          media_category: 'tweet_video',
        }),
      });
      if (!init.media_id_string) throw new TransientError('x: INIT answered without media_id_string');
      await job.publication.save({ mediaId: init.media_id_string, segmentsDone: 0 });
    } else {
      job.log.info({ media_id: s().mediaId, segments_done: s().segmentsDone }, 'resuming x media upload');
    }
    const mediaId = s().mediaId as string;
    const segments = Math.max(1, Math.ceil(file.size / this.options.chunkBytes));
    for (let index = s().segmentsDone ?? 0; index < segments && !s().finalized; index++) {
      const start = index * this.options.chunkBytes;
      const chunk = await readChunk(file.path, start, Math.min(this.options.chunkBytes, file.size - start));
      const form = new FormData();
      form.set('command', 'APPEND');
      form.set('media_id', mediaId);
      form.set('segment_index', String(index));
      form.set('media', new Blob([chunk], { type: 'application/octet-stream' }), 'blob');
      const res = await job.http.send({ method: 'POST', url: upload, form });
      await res.body?.cancel();
      await job.publication.save({ segmentsDone: index + 1 });
      job.progress(Math.floor(((index + 1) / segments) * 70), 'uploading to x');
    }
    if (!s().processed) {
      let info: ProcessingInfo | undefined;
      if (!s().finalized) {
        const fin = await job.http.json<{ processing_info?: ProcessingInfo }>({
          method: 'POST',
          url: upload,
          form: new URLSearchParams({ command: 'FINALIZE', media_id: mediaId }),
        });
        await job.publication.save({ finalized: true });
        info = fin.processing_info;
      } else {
        info = await this.statusOf(job, upload, mediaId);
      }
      job.progress(75, 'x processing');
      let fresh = true;
      await pollUntil(`x media ${mediaId}`, { ...this.options.poll, signal: job.signal }, async () => {
        if (!fresh) info = await this.statusOf(job, upload, mediaId);
        fresh = false;
        // No processing_info: the media needs no processing and is ready.
        if (!info || info.state === 'succeeded') return { done: true };
        if (info.state === 'failed') throw new ProviderError('x', 200, info.error?.message ?? 'media processing failed', info.error?.name);
        // X says when to ask again.
        return { pending: true, waitMs: (info.check_after_secs ?? 1) * 1_000 };
      });
      await job.publication.save({ processed: true });
    }
    let tweetId = s().posting ? await this.findPost(job, mediaId) : undefined;
    if (tweetId) job.log.warn({ media_id: mediaId }, 'an earlier attempt posted already; not posting again');
    else {
      await job.publication.save({ posting: true });
      const posted = await job.http.json<{ data?: { id?: string } }>({
        method: 'POST',
        url: `${this.options.baseUrl}/2/tweets`,
        json: { ...(job.input.text ? { text: job.input.text } : {}), media: { media_ids: [mediaId] } },
      });
      if (!posted.data?.id) throw new TransientError('x: post created without an id');
      tweetId = posted.data.id;
    }
    return { platform: 'x', account: job.input.account, mediaId, tweetId, url: `https://x.com/i/status/${tweetId}` };
  }

  private async statusOf(job: UploadJob<Input>, upload: string, mediaId: string): Promise<ProcessingInfo | undefined> {
    const st = await job.http.json<{ processing_info?: ProcessingInfo }>({
      method: 'GET',
      url: `${upload}?command=STATUS&media_id=${encodeURIComponent(mediaId)}`,
    });
    return st.processing_info;
  }

  /** A recent post of this account that carries `mediaId` (media keys end in `_<media id>`). */
  private async findPost(job: UploadJob<Input>, mediaId: string): Promise<string | undefined> {
    const me = await job.http.json<{ data?: { id?: string } }>({ method: 'GET', url: `${this.options.baseUrl}/2/users/me` });
    if (!me.data?.id) return undefined;
    const recent = await job.http.json<{ data?: Array<{ id: string; attachments?: { media_keys?: string[] } }> }>({
      method: 'GET',
      url: `${this.options.baseUrl}/2/users/${encodeURIComponent(me.data.id)}/tweets?max_results=20&tweet.fields=attachments`,
    });
    return recent.data?.find((t) => t.attachments?.media_keys?.some((k) => k.endsWith(`_${mediaId}`)))?.id;
  }
}
