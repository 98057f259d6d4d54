import { z } from 'zod';
import { envBool, envInt } from './parse-env.js';
import { isEncryptionKey } from '../crypto/input-cipher.js';

/**
 * The variables every Reelay service reads. Services extend this with their own and
 * parse once in main.ts; nothing else reads process.env.
 */
export const RuntimeEnv = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222').describe('NATS server URL(s), comma-separated.'),
  NATS_CREDS: z.string().optional().describe('Path to a NATS .creds file (JWT + nkey) for production.'),
  NATS_USER: z.string().optional().describe('NATS user name, when the server uses user/password auth.'),
  NATS_PASSWORD: z.string().optional().describe('NATS password for NATS_USER.'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level.'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional().describe('OTLP/HTTP endpoint (e.g. http://jaeger:4318); traces are exported when set.'),
  STREAM_REPLICAS: envInt(1, 1).describe('Replicas for streams and buckets this service creates (3 in a cluster).'),
  ACK_WAIT_MS: envInt(30_000, 1_000).describe('JetStream AckWait for job consumers; a dead worker’s job returns after about this long.'),
  EVENTS_MAX_AGE_HOURS: envInt(72, 1).describe('How long job events (and so job records) are kept.'),
  SHUTDOWN_GRACE_MS: envInt(30_000, 0).describe('On SIGTERM, how long running jobs may finish before they are handed back.'),
  ARTIFACT_STORE: z
    .enum(['nats', 's3'])
    .default('nats')
    .describe('Where artifacts (media files) live: the NATS object store, or an S3-compatible bucket (S3_* below).'),
  S3_BUCKET: z
    .string()
    .optional()
    .describe(
      'Bucket for artifacts when ARTIFACT_STORE=s3 (required then). Credentials: the AWS SDK chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a role).',
    ),
  S3_ENDPOINT: z.url().optional().describe('S3-compatible endpoint (MinIO, R2, GCS interop), e.g. http://minio:9000; unset for AWS S3.'),
  S3_REGION: z.string().default('us-east-1').describe('S3 region (R2: auto).'),
  S3_FORCE_PATH_STYLE: envBool(false).describe('Path-style URLs (http://host/bucket/key), as MinIO and most self-hosted servers want.'),
  S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "letters, digits and !_.*'()/- only")
    .optional()
    .describe('Key prefix for artifacts inside the bucket, e.g. reelay/ (shared buckets).'),
  S3_UPLOAD_PART_BYTES: envInt(8 * 1024 * 1024, 5 * 1024 * 1024).describe(
    'Multipart upload part size in bytes (at least 5 MiB, S3’s minimum).',
  ),
  S3_PRESIGN_EXPIRES_SEC: envInt(300, 1).describe('How long a presigned download link the gateway redirects to stays valid.'),
  REELAY_ENCRYPTION_KEY: z
    .string()
    .refine(isEncryptionKey, 'must be 32 bytes, as base64 (44 characters) or hex (64 characters)')
    .optional()
    .describe(
      'Encrypts the input fields tasks mark sensitive (AES-256-GCM): 32 bytes as base64 or hex, e.g. `openssl rand -base64 32`. The gateway and every worker that runs such tasks need it.',
    ),
  REELAY_ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .optional()
    .transform((raw) =>
      raw
        ? raw
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean)
        : [],
    )
    .describe('Comma-separated keys retired by a rotation: they still decrypt values sealed before it, never encrypt.'),
  QUEUE_ROUTES: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (!raw) return {} as Record<string, string>;
      try {
        const parsed = z.record(z.string(), z.string().regex(/^[a-z][a-z0-9-]{0,31}$/)).parse(JSON.parse(raw));
        return parsed;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of task type → queue name' });
        return z.NEVER;
      }
    })
    .describe('JSON map task type → queue, overriding the catalogue (Celery task_routes), e.g. {"media.thumbnails":"preview"}.'),
});
export type RuntimeEnv = z.output<typeof RuntimeEnv>;
