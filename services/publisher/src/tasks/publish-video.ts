import path from 'node:path';
import type { PublishPlatform, RateLimit } from '@reelay/contracts';
import { ArtifactNotFoundError, type Handler, inSpan, type RateLimiter, RetryAfterError } from '@reelay/runtime';
import type { AccessTokens } from '../access-tokens.js';
import type { Credentials } from '../credentials.js';
import { PlatformHttp } from '../platform-http.js';
import type { VideoFile, VideoPlatform } from '../platforms/video-platform.js';
import type { Publications } from '../publications.js';

export interface PublishVideoDeps {
  credentials: Credentials;
  tokens: AccessTokens;
  publications: Publications;
  rateLimiter: RateLimiter;
  quotas: Record<PublishPlatform, RateLimit>;
  httpTimeoutMs: number;
}

/**
 * The handler shared by every platform task. In order:
 *   1. the publication record: published → return the recorded result, never post again;
 *   2. a new publication takes a slot of the account's quota (KV, across replicas) —
 *      a resume does not, it was counted when it started;
 *   3. the artifact is downloaded into the attempt's temp dir (unless the platform pulls it);
 *   4. the platform adapter runs, saving resume state as it goes;
 *   5. the result is recorded as published, then returned.
 */
export function publishVideoHandler<I extends { artifactId: string; account: string }, O extends Record<string, unknown>>(
  adapter: VideoPlatform<I, O>,
  deps: PublishVideoDeps,
): Handler<I, O> {
  const platform = adapter.platform;
  // `input` is the task's parsed input (defaults applied): implementTask in main.ts ties
  // the adapter's input type to its task definition, and the worker parses before this runs.
  return async (input, ctx) => {
    const project = ctx.job.project;
    const account = deps.credentials.account(project, platform, input.account);
    const publication = await deps.publications.open(ctx.jobId, project, platform, input.account);
    if (publication.record.state === 'published') {
      ctx.log.info({ platform }, 'already published by an earlier attempt; returning the recorded result');
      return publication.record.result as O;
    }
    if (!publication.existed) {
      const slot = await deps.rateLimiter.acquire(`publish.${platform}.${project}.${input.account}`, deps.quotas[platform]);
      if (!slot.allowed) {
        throw new RetryAfterError(`${platform} account "${input.account}" is at its quota; waiting for the next window`, slot.retryAfterMs);
      }
    }
    let file: VideoFile | undefined;
    // ctx.artifacts is this project's: another project's media does not exist for this job.
    const ref = await ctx.artifacts.info(input.artifactId);
    if (!ref) throw new ArtifactNotFoundError(input.artifactId);
    if (adapter.needsFile) {
      ctx.progress(1, 'fetching artifact');
      const filePath = path.join(await ctx.tempDir(), 'video');
      await ctx.artifacts.getToFile(input.artifactId, filePath);
      file = { path: filePath, size: ref.size, contentType: ref.contentType, name: ref.name };
    }
    const http = new PlatformHttp(platform, {
      describe: adapter.describe,
      timeoutMs: deps.httpTimeoutMs,
      signal: ctx.signal,
      token: deps.tokens.for(project, platform, input.account, account),
    });
    const result = await inSpan(
      `publish ${platform}`,
      { attributes: { 'reelay.publish.platform': platform, 'reelay.publish.resumed': publication.existed } },
      () =>
        adapter.publish({
          input,
          artifactId: input.artifactId,
          account,
          file,
          publication,
          http,
          signal: ctx.signal,
          progress: (pct, stage) => ctx.progress(pct, stage),
          log: ctx.log,
        }),
    );
    await publication.published(result);
    ctx.log.info({ platform, resumed: publication.existed }, 'published');
    return result;
  };
}
