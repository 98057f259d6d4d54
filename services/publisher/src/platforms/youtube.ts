import { PublishPlatform, type YoutubePublishInput, type YoutubePublishOutput } from '@reelay/contracts';
import { TransientError } from '@reelay/runtime';
import { z } from 'zod';
import { readChunk } from '../file-chunks.js';
import { parseBody } from '../platform-http.js';
import { ProviderError, type DescribeFault } from '../provider-errors.js';
import type { UploadJob, VideoFile, VideoPlatform } from './video-platform.js';

type Input = z.output<typeof YoutubePublishInput>;

/**
 * YouTube Data API v3, resumable upload protocol:
 *   POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status  (metadata)
 *     → 200, Location: session URI  — recorded at once; it is the resume point
 *   PUT <session> Content-Range: bytes a-b/total  → 308 Resume Incomplete (Range: bytes=0-b)
 *                                                  or 200/201 with the video resource
 *   PUT <session> Content-Range: bytes *\/total (empty) → where the server is, after an
 *     interrupted chunk or a redelivered job; 200/201 means the upload already finished.
 * The video exists only once the last byte lands, and the session finishes it at most once:
 * a redelivered job resumes the same session and can never create a second video.
 */
export class YoutubePlatform implements VideoPlatform<Input, YoutubePublishOutput> {
  readonly platform = PublishPlatform.youtube;
  readonly needsFile = true;

  constructor(private readonly options: { baseUrl: string; chunkBytes: number }) {}

  readonly describe: DescribeFault = (status, body) => {
    // {"error":{"code":403,"message":"...","errors":[{"reason":"quotaExceeded",...}]}}
    const error = parseBody(body)?.error;
    const reason: string | undefined = error?.errors?.[0]?.reason;
    return {
      message: typeof error?.message === 'string' ? error.message : body.slice(0, 300) || `HTTP ${status}`,
      ...(reason ? { code: reason } : {}),
      // Google's documented "quota/rate" reasons come as 403; they clear with time.
      throttled: reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded',
    };
  };

  async publish(job: UploadJob<Input>): Promise<YoutubePublishOutput> {
    const file = job.file as VideoFile;
    let sessionUrl = job.publication.session.sessionUrl as string | undefined;
    let offset = 0;
    if (sessionUrl) {
      const where = await this.status(job, sessionUrl, file.size);
      if (where.kind === 'done') return this.output(job, where.videoId);
      if (where.kind === 'gone') sessionUrl = undefined;
      else offset = where.offset;
      job.log.info({ offset }, 'resuming youtube upload session');
    }
    if (!sessionUrl) {
      await job.publication.save({ sessionUrl: undefined });
      sessionUrl = await this.startSession(job, file);
      await job.publication.save({ sessionUrl });
    }
    let interruptions = 0;
    while (offset < file.size) {
      const length = Math.min(this.options.chunkBytes, file.size - offset);
      const chunk = await readChunk(file.path, offset, length);
      let res: Response;
      try {
        res = await job.http.send({
          method: 'PUT',
          url: sessionUrl,
          headers: {
            'content-type': file.contentType,
            'content-range': `bytes ${offset}-${offset + length - 1}/${file.size}`,
          },
          body: chunk,
          accept: [308],
        });
      } catch (err) {
        // Google's advice for an interrupted chunk: ask where the server is and go on from there.
        if (!(err instanceof TransientError) || ++interruptions > 3) throw err;
        const where = await this.status(job, sessionUrl, file.size);
        if (where.kind === 'done') return this.output(job, where.videoId);
        if (where.kind === 'gone') throw err;
        offset = where.offset;
        continue;
      }
      if (res.status === 308) {
        offset = nextOffset(res.headers.get('range'));
        await job.publication.save({ bytesConfirmed: offset });
        job.progress(Math.floor((offset / file.size) * 95), 'uploading to youtube');
        continue;
      }
      return this.output(job, await videoId(res));
    }
    // Every byte confirmed but no resource yet (a 308 for the last byte): ask once more.
    const where = await this.status(job, sessionUrl, file.size);
    if (where.kind === 'done') return this.output(job, where.videoId);
    throw new TransientError('youtube: upload complete but no video resource returned yet');
  }

  private async startSession(job: UploadJob<Input>, file: VideoFile): Promise<string> {
    const { input } = job;
    const res = await job.http.send({
      method: 'POST',
      url: `${this.options.baseUrl}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
      headers: { 'x-upload-content-length': String(file.size), 'x-upload-content-type': file.contentType },
      json: {
        snippet: { title: input.title, description: input.description, tags: input.tags, categoryId: input.categoryId },
        status: { privacyStatus: input.privacyStatus, selfDeclaredMadeForKids: input.madeForKids },
      },
    });
    const location = res.headers.get('location');
    await res.body?.cancel();
    if (!location) throw new TransientError('youtube: resumable session started without a Location header');
    return new URL(location, this.options.baseUrl).toString();
  }

  /** The status query: `Content-Range: bytes *\/total` with an empty body. */
  private async status(
    job: UploadJob<Input>,
    sessionUrl: string,
    size: number,
  ): Promise<{ kind: 'done'; videoId: string } | { kind: 'partial'; offset: number } | { kind: 'gone' }> {
    try {
      const res = await job.http.send({
        method: 'PUT',
        url: sessionUrl,
        headers: { 'content-range': `bytes */${size}`, 'content-length': '0' },
        accept: [308],
      });
      if (res.status === 308) {
        const offset = nextOffset(res.headers.get('range'));
        await res.body?.cancel();
        return { kind: 'partial', offset };
      }
      return { kind: 'done', videoId: await videoId(res) };
    } catch (err) {
      // 404/410: the session expired (a week) without finishing — no video was made.
      if (err instanceof ProviderError && [404, 410].includes((err.details as { status: number }).status)) return { kind: 'gone' };
      throw err;
    }
  }

  private output(job: UploadJob<Input>, id: string): YoutubePublishOutput {
    return {
      platform: 'youtube',
      account: job.input.account,
      videoId: id,
      url: `https://www.youtube.com/watch?v=${encodeURIComponent(id)}`,
    };
  }
}

/** `Range: bytes=0-524287` → 524288; no Range header means nothing was kept. */
function nextOffset(range: string | null): number {
  const match = range?.match(/bytes=0-(\d+)/);
  return match ? Number(match[1]) + 1 : 0;
}

const VideoResource = z.object({ id: z.string().min(1) });

async function videoId(res: Response): Promise<string> {
  const parsed = VideoResource.safeParse(parseBody(await res.text()));
  if (!parsed.success) throw new TransientError(`youtube: upload finished with an unreadable video resource (${res.status})`);
  return parsed.data.id;
}
