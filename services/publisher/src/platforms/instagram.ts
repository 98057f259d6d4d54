import { type InstagramPublishInput, type InstagramPublishOutput, PublishPlatform } from '@reelay/contracts';
import { PermanentError, TransientError } from '@reelay/runtime';
import type { z } from 'zod';
import type { InstagramAccount } from '../credentials.js';
import { parseBody } from '../platform-http.js';
import { type DescribeFault, ProviderError } from '../provider-errors.js';
import { type PollOptions, pollUntil } from '../status-polling.js';
import type { UploadJob, VideoPlatform } from './video-platform.js';

type Input = z.output<typeof InstagramPublishInput>;

/** Graph API error codes that mean "slow down" (they come as HTTP 400, not 429). */
const THROTTLE_CODES = new Set([4, 17, 32, 613, 80002]);

/**
 * Instagram Graph API, reels:
 *   POST /{ig-user-id}/media {media_type: REELS, video_url, caption} → container id — recorded
 *   GET /{container-id}?fields=status_code,status until FINISHED (ERROR/EXPIRED fail)
 *   POST /{ig-user-id}/media_publish {creation_id} → media id
 * Instagram downloads the video from `video_url` itself: a signed, expiring gateway link
 * (artifact-links.ts). A container can be published once only, so a resumed job that finds
 * its container PUBLISHED never posts again.
 */
export class InstagramPlatform implements VideoPlatform<Input, InstagramPublishOutput> {
  readonly platform = PublishPlatform.instagram;
  readonly needsFile = false;

  constructor(
    private readonly options: {
      baseUrl: string;
      videoUrl: (artifactId: string) => string;
      poll: Omit<PollOptions, 'signal'>;
    },
  ) {}

  readonly describe: DescribeFault = (status, body) => {
    // {"error":{"message":"...","type":"OAuthException","code":190,"error_subcode":463,"is_transient":false,"fbtrace_id":"..."}}
    const error = parseBody(body)?.error;
    const code = typeof error?.code === 'number' ? error.code : undefined;
    return {
      message: typeof error?.message === 'string' ? error.message : body.slice(0, 300) || `HTTP ${status}`,
      ...(code !== undefined ? { code } : {}),
      throttled: code !== undefined && THROTTLE_CODES.has(code),
      transient: error?.is_transient === true,
    };
  };

  async publish(job: UploadJob<Input>): Promise<InstagramPublishOutput> {
    const base = this.options.baseUrl;
    const user = (job.account as InstagramAccount).igUserId;
    let containerId = job.publication.session.containerId as string | undefined;
    if (!containerId) {
      await job.publication.save({});
      const created = await job.http.json<{ id?: string }>({
        method: 'POST',
        url: `${base}/${user}/media`,
        json: {
          media_type: 'REELS',
          video_url: this.options.videoUrl(job.artifactId),
          caption: job.input.caption,
          share_to_feed: job.input.shareToFeed,
        },
      });
      if (!created.id) throw new TransientError('instagram: container created without an id');
      containerId = created.id;
      await job.publication.save({ containerId });
    } else {
      job.log.info({ container_id: containerId }, 'resuming instagram container');
    }
    job.progress(30, 'instagram processing');
    const id = containerId;
    const state = await pollUntil(`instagram container ${id}`, { ...this.options.poll, signal: job.signal }, async () => {
      const c = await job.http.json<{ status_code?: string; status?: string }>({
        method: 'GET',
        url: `${base}/${id}?fields=status_code,status`,
      });
      if (c.status_code === 'FINISHED' || c.status_code === 'PUBLISHED') return { done: c.status_code };
      if (c.status_code === 'ERROR') throw new ProviderError('instagram', 200, c.status ?? 'container processing failed', 'ERROR');
      if (c.status_code === 'EXPIRED') {
        // Not published within 24 h: a new container is needed; the next attempt makes one.
        await job.publication.save({ containerId: undefined });
        throw new TransientError('instagram: container expired before it was published');
      }
      return { pending: true };
    });
    if (state === 'PUBLISHED') {
      // The earlier attempt published it and died before recording the media id.
      throw new PermanentError(`instagram: container ${id} was already published by an earlier attempt; media id not recorded`, {
        code: 'PROVIDER_ERROR',
        details: { platform: 'instagram', containerId: id },
      });
    }
    job.progress(80, 'publishing to instagram');
    const published = await job.http.json<{ id?: string }>({
      method: 'POST',
      url: `${base}/${user}/media_publish`,
      json: { creation_id: id },
    });
    if (!published.id) throw new TransientError('instagram: media_publish answered without a media id');
    return { platform: 'instagram', account: job.input.account, containerId: id, mediaId: published.id };
  }
}
