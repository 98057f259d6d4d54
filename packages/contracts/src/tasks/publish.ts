import { z } from 'zod';
import { ArtifactId } from '../artifact.js';
import { defineTask, type RateLimit } from '../catalogue.js';

/**
 * The publish family: put a finished video where it belongs — a platform account, a
 * webhook, a folder — exactly once. Served by services/publisher on the `publish` queue.
 */

export const PublishPlatform = {
  youtube: 'youtube',
  tiktok: 'tiktok',
  instagram: 'instagram',
  x: 'x',
} as const;
export type PublishPlatform = (typeof PublishPlatform)[keyof typeof PublishPlatform];

/** The name of an account in the project's credentials (PUBLISH_CREDENTIALS_FILE). */
const AccountName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an account name from the credentials file')
  .default('default');

export const YoutubePublishInput = z.object({
  artifactId: ArtifactId,
  account: AccountName,
  title: z.string().min(1).max(100),
  description: z.string().max(5000).default(''),
  tags: z.array(z.string().max(100)).max(50).default([]),
  categoryId: z.string().regex(/^\d+$/).default('22'),
  privacyStatus: z.enum(['private', 'unlisted', 'public']).default('private'),
  madeForKids: z.boolean().default(false),
});
export type YoutubePublishInput = z.input<typeof YoutubePublishInput>;
export const YoutubePublishOutput = z.object({
  platform: z.literal('youtube'),
  account: z.string(),
  videoId: z.string(),
  url: z.string(),
});
export type YoutubePublishOutput = z.infer<typeof YoutubePublishOutput>;

export const TiktokPublishInput = z.object({
  artifactId: ArtifactId,
  account: AccountName,
  title: z.string().max(2200).default(''),
  privacyLevel: z.enum(['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY']).default('SELF_ONLY'),
  disableComment: z.boolean().default(false),
  disableDuet: z.boolean().default(false),
  disableStitch: z.boolean().default(false),
  isAigc: z.boolean().default(true).describe('Label the post as AI-generated content.'),
});
export type TiktokPublishInput = z.input<typeof TiktokPublishInput>;
export const TiktokPublishOutput = z.object({
  platform: z.literal('tiktok'),
  account: z.string(),
  publishId: z.string(),
  /** TikTok's post id, when the status answer names it (public posts). */
  postId: z.string().optional(),
});
export type TiktokPublishOutput = z.infer<typeof TiktokPublishOutput>;

export const InstagramPublishInput = z.object({
  artifactId: ArtifactId,
  account: AccountName,
  caption: z.string().max(2200).default(''),
  shareToFeed: z.boolean().default(true),
});
export type InstagramPublishInput = z.input<typeof InstagramPublishInput>;
export const InstagramPublishOutput = z.object({
  platform: z.literal('instagram'),
  account: z.string(),
  containerId: z.string(),
  mediaId: z.string(),
});
export type InstagramPublishOutput = z.infer<typeof InstagramPublishOutput>;

export const XPublishInput = z.object({
  artifactId: ArtifactId,
  account: AccountName,
  text: z.string().max(280).default(''),
});
export type XPublishInput = z.input<typeof XPublishInput>;
export const XPublishOutput = z.object({
  platform: z.literal('x'),
  account: z.string(),
  mediaId: z.string(),
  tweetId: z.string(),
  url: z.string(),
});
export type XPublishOutput = z.infer<typeof XPublishOutput>;

export const WebhookPublishInput = z.object({
  url: z.url({ protocol: /^https?$/ }),
  /** The JSON delivered as the request body (typically a finished job's result). */
  payload: z.record(z.string(), z.unknown()),
  /** The webhook secret's name under the project's `webhook.accounts` in the credentials. */
  account: AccountName,
});
export type WebhookPublishInput = z.input<typeof WebhookPublishInput>;
export const WebhookPublishOutput = z.object({
  delivered: z.literal(true),
  status: z.number().int(),
  /** Sent as the `Reelay-Delivery` header; receivers deduplicate on it. */
  deliveryId: z.string(),
});
export type WebhookPublishOutput = z.infer<typeof WebhookPublishOutput>;

export const FolderPublishInput = z.object({
  artifactId: ArtifactId,
  /** Absolute directory; must lie under one of PUBLISH_FOLDER_ROOTS. Created if missing. */
  directory: z.string().min(1).max(4096),
  /** File name in that directory (no separators); the artifact's name when left out. */
  fileName: z.string().min(1).max(255).optional(),
  /** Replace a different file of the same name; otherwise that is a CONFLICT. */
  overwrite: z.boolean().default(false),
});
export type FolderPublishInput = z.input<typeof FolderPublishInput>;
export const FolderPublishOutput = z.object({
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
});
export type FolderPublishOutput = z.infer<typeof FolderPublishOutput>;

/**
 * The exactly-once record in KV `publications`, keyed by job id + target + account. It is
 * written before the first remote call ("started", with the upload session as soon as it
 * is known) and after the last ("published", with the result), so a redelivered job
 * resumes or answers from it instead of posting again.
 */
export const Publication = z.object({
  jobId: z.string(),
  project: z.string(),
  target: z.string(),
  account: z.string(),
  state: z.enum(['started', 'published']),
  /** Target-specific resume state: session URI, publish_id, media_id, chunks done. */
  session: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()).optional(),
  startedAt: z.string(),
  updatedAt: z.string(),
});
export type Publication = z.infer<typeof Publication>;

/**
 * Per-account quotas (shared by every replica through KV `ratelimits`): how many new
 * publications one platform account may start per window. The catalogue's `rateLimit`
 * below is the app-wide limit; these are the per-user limits the platforms document.
 */
export const PLATFORM_ACCOUNT_QUOTAS: Record<PublishPlatform, RateLimit> = {
  // 10,000 quota units a day per API project; an upload costs 1,600 → about 6 a day.
  youtube: { max: 6, perMs: 24 * 3_600_000 },
  // Content Posting API: 6 init requests per minute per user access token.
  tiktok: { max: 6, perMs: 60_000 },
  // Graph API: 50 API-published posts per 24 hours per Instagram account.
  instagram: { max: 50, perMs: 24 * 3_600_000 },
  // Free/basic tiers allow a few posts per window per user; stay well under 100/24 h.
  x: { max: 100, perMs: 24 * 3_600_000 },
};

// Uploads are slow and platforms flaky: more attempts, longer backoff than the default.
const uploadRetry = { maxAttempts: 5, initialDelayMs: 2_000, maxDelayMs: 5 * 60_000 };
const HOUR = 3_600_000;

export const publishTasks = {
  'publish.youtube': defineTask({
    type: 'publish.youtube',
    description: 'Uploads a video artifact to a YouTube channel (Data API v3 resumable upload); returns the video id and URL.',
    queue: 'publish',
    input: YoutubePublishInput,
    output: YoutubePublishOutput,
    retry: uploadRetry,
    hardTimeoutMs: 2 * HOUR,
    rateLimit: { max: 60, perMs: 60_000 },
  }),
  'publish.tiktok': defineTask({
    type: 'publish.tiktok',
    description: 'Posts a video artifact to a TikTok account (Content Posting API, chunked FILE_UPLOAD); returns the publish id.',
    queue: 'publish',
    input: TiktokPublishInput,
    output: TiktokPublishOutput,
    retry: uploadRetry,
    hardTimeoutMs: 2 * HOUR,
    rateLimit: { max: 60, perMs: 60_000 },
  }),
  'publish.instagram': defineTask({
    type: 'publish.instagram',
    description: 'Publishes a video artifact as an Instagram reel (Graph API container from a signed artifact link, then media_publish).',
    queue: 'publish',
    input: InstagramPublishInput,
    output: InstagramPublishOutput,
    retry: uploadRetry,
    hardTimeoutMs: HOUR,
    rateLimit: { max: 60, perMs: 60_000 },
  }),
  'publish.x': defineTask({
    type: 'publish.x',
    description: 'Posts a video artifact to X (chunked media upload INIT/APPEND/FINALIZE/STATUS, then a post).',
    queue: 'publish',
    input: XPublishInput,
    output: XPublishOutput,
    retry: uploadRetry,
    hardTimeoutMs: HOUR,
    rateLimit: { max: 60, perMs: 60_000 },
  }),
  'publish.webhook': defineTask({
    type: 'publish.webhook',
    description: 'POSTs a JSON payload to a URL, signed with Reelay-Signature (HMAC-SHA256); retried with backoff.',
    queue: 'publish',
    input: WebhookPublishInput,
    output: WebhookPublishOutput,
    retry: { maxAttempts: 8, initialDelayMs: 1_000, maxDelayMs: 10 * 60_000 },
    hardTimeoutMs: 60_000,
  }),
  'publish.folder': defineTask({
    type: 'publish.folder',
    description: 'Copies an artifact atomically into a directory under PUBLISH_FOLDER_ROOTS (local or mounted).',
    queue: 'publish',
    input: FolderPublishInput,
    output: FolderPublishOutput,
    hardTimeoutMs: 30 * 60_000,
  }),
} as const;
