import { envBool, envInt, HealthEnv, RecycleEnv, RuntimeEnv } from '@reelay/runtime';
import { z } from 'zod';

/** render-gpu's environment: the runtime's variables plus these. Parsed once, in main.ts. */
export const MediaEnv = RuntimeEnv.extend({
  ...HealthEnv.shape,
  ...RecycleEnv.shape,
  FFMPEG_PATH: z.string().default('ffmpeg').describe('The ffmpeg binary (a name on PATH or a path).'),
  FFPROBE_PATH: z.string().default('ffprobe').describe('The ffprobe binary (a name on PATH or a path).'),
  MEDIA_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Media jobs run at once. Default: one per GPU when NVENC is usable, else max(1, cores / 2).'),
  MEDIA_STALL_TIMEOUT_MS: envInt(60_000, 500).describe(
    'An ffmpeg run that reports no progress for this long is killed and the attempt fails as STALLED (retryable).',
  ),
  MEDIA_DOWNLOAD_ALLOW_PRIVATE: envBool(false).describe(
    'Let media.download fetch loopback, link-local and private addresses (tests, on-prem sources). Off: refused as FORBIDDEN_ADDRESS.',
  ),
  MEDIA_DOWNLOAD_MAX_BYTES: envInt(4 * 1024 ** 3, 1).describe('Largest file media.download accepts, whatever a job asks for.'),
  MEDIA_GPU: z
    .enum(['auto', 'off'])
    .default('auto')
    .describe('auto: use NVENC when a GPU and an NVENC-enabled ffmpeg are found; off: CPU encoders only, media queue only.'),
});
export type MediaEnv = z.output<typeof MediaEnv>;
