import { envBool, envInt, HealthEnv, RecycleEnv, RuntimeEnv } from '@reelay/runtime';
import { z } from 'zod';

const MIB = 1024 * 1024;
/** YouTube takes resumable chunks in multiples of 256 KiB (all but the last). */
const YOUTUBE_CHUNK_UNIT = 256 * 1024;

const commaList = z
  .string()
  .optional()
  .transform((raw) =>
    (raw ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const accountQuotas = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (!raw) return {} as Record<string, { max: number; perMs: number }>;
    try {
      const quota = z.object({ max: z.number().int().positive(), perMs: z.number().int().positive() });
      return z.record(z.enum(['youtube', 'tiktok', 'instagram', 'x']), quota).parse(JSON.parse(raw));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of platform → {max, perMs}' });
      return z.NEVER;
    }
  });

/**
 * The publisher's variables, on top of the runtime's. Parsed once in main.ts and passed
 * down; nothing else reads process.env.
 */
export const PublisherEnv = RuntimeEnv.extend({
  ...HealthEnv.shape,
  ...RecycleEnv.shape,
  PUBLISH_CONCURRENCY: envInt(4, 1).describe('Concurrent publish.* jobs in this process (uploads are I/O-bound).'),
  PUBLISH_CREDENTIALS_FILE: z
    .string()
    .optional()
    .describe('Path to the JSON secrets file with per-project platform accounts; platform tasks fail permanently without it.'),
  PUBLISH_HTTP_TIMEOUT_MS: envInt(120_000, 1_000).describe('Timeout of one request to a platform (one chunk included).'),
  PUBLISH_POLL_INTERVAL_MS: envInt(5_000, 10).describe('Pause between processing-status polls (TikTok, Instagram; X says its own).'),
  PUBLISH_POLL_TIMEOUT_MS: envInt(30 * 60_000, 100).describe('How long to wait for a platform to finish processing before retrying later.'),
  PUBLISH_ACCOUNT_QUOTAS: accountQuotas.describe(
    'JSON overrides of the per-account quotas, platform → {max, perMs}; defaults are PLATFORM_ACCOUNT_QUOTAS in contracts.',
  ),
  YOUTUBE_BASE_URL: z.url().default('https://www.googleapis.com').describe('YouTube Data API v3 origin (upload and metadata).'),
  YOUTUBE_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token').describe('Google OAuth token endpoint for refresh.'),
  YOUTUBE_CHUNK_BYTES: envInt(8 * MIB, YOUTUBE_CHUNK_UNIT)
    .refine((n) => n % YOUTUBE_CHUNK_UNIT === 0, 'must be a multiple of 262144 (256 KiB)')
    .describe('Resumable-upload chunk size; a multiple of 256 KiB.'),
  TIKTOK_BASE_URL: z.url().default('https://open.tiktokapis.com').describe('TikTok Content Posting API origin.'),
  TIKTOK_CHUNK_BYTES: envInt(10_000_000, 1).describe('FILE_UPLOAD chunk size (TikTok: 5 MB–64 MB; smaller files go in one chunk).'),
  INSTAGRAM_BASE_URL: z.url().default('https://graph.facebook.com/v21.0').describe('Instagram Graph API origin with version.'),
  X_BASE_URL: z.url().default('https://api.x.com').describe('X API origin for posts (/2/tweets) and OAuth 2 token refresh.'),
  X_UPLOAD_BASE_URL: z.url().default('https://upload.twitter.com').describe('X media upload origin (/1.1/media/upload.json).'),
  X_CHUNK_BYTES: envInt(4 * MIB, 1)
    .refine((n) => n <= 5 * MIB, 'must be at most 5 MiB (X APPEND limit)')
    .describe('APPEND segment size.'),
  PUBLIC_LINK_BASE_URL: z
    .url()
    .optional()
    .describe('Public origin of the gateway serving signed artifact links (Instagram fetches the video from there).'),
  PUBLIC_LINK_SECRET: z.string().min(16).optional().describe('HMAC key of signed artifact links; the gateway verifies with the same key.'),
  PUBLIC_LINK_TTL_S: envInt(3_600, 60).describe('Lifetime of a signed artifact link, in seconds.'),
  PUBLISH_ALLOW_PRIVATE_URLS: envBool(false).describe(
    'Let webhooks reach loopback, private and link-local addresses (development, tests).',
  ),
  WEBHOOK_TIMEOUT_MS: envInt(10_000, 100).describe('Timeout of one webhook delivery.'),
  PUBLISH_FOLDER_ROOTS: commaList.describe('Comma-separated directories publish.folder may write under; none by default.'),
});
export type PublisherConfig = z.output<typeof PublisherEnv>;
