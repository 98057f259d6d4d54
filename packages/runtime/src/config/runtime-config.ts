import { z } from 'zod';
import { envInt } from './parse-env.js';

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
