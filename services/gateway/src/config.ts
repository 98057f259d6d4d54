import { parseStoreUrl } from '@reelay/job-store';
import { envBool, envInt, RuntimeEnv } from '@reelay/runtime';
import { z } from 'zod';

/** The gateway's environment: the runtime's variables plus these. */
export const GatewayEnv = RuntimeEnv.extend({
  PORT: envInt(8080, 0).describe('HTTP port (0 picks a free one; the bound address is logged).'),
  HOST: z.string().default('127.0.0.1').describe('Interface to listen on (0.0.0.0 in containers).'),
  REELAY_API_KEYS_FILE: z
    .string()
    .optional()
    .describe('JSON list of {key|keyHash, scopes, projects}. Required unless REELAY_DEV_MODE=true.'),
  REELAY_DEV_MODE: envBool(false).describe('Local development: generate an admin key at start and print it. Never silently open.'),
  BODY_LIMIT_BYTES: envInt(1_048_576, 1024).describe('Largest JSON request body.'),
  ARTIFACT_MAX_BYTES: envInt(2 * 1024 ** 3, 1).describe('Largest artifact upload.'),
  RATE_LIMIT_PER_MINUTE: envInt(6_000, 1).describe('Requests per minute per API key.'),
  AUTH_FAILURES_PER_MINUTE: envInt(10, 1).describe(
    'Failed authentications (no key, unknown key) per client address per minute; past it the address gets 429 with Retry-After until the minute is up.',
  ),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform(trustProxy)
    .describe(
      'Whose X-Forwarded-For to believe for the client address (rate limits, failed-auth throttle): `false` (the socket peer is the client), `true` (any hop: only behind a proxy that overwrites the header), or a comma list of proxy addresses/CIDRs.',
    ),
  JOB_STORE_URL: z
    .string()
    .min(1)
    .default('sqlite::memory:')
    .superRefine((url, ctx) => {
      try {
        parseStoreUrl(url);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .describe(
      'The job store (lists, counts, usage): `postgres://user:password@host:5432/db` in production (shared by every gateway), a SQLite file (`sqlite:.data/jobs.sqlite`, kept across restarts), or `sqlite::memory:` (rebuilt from EVENTS at each start).',
    ),
  JOB_STORE_BATCH: envInt(1000, 1).describe('Job events the store projector writes per transaction at most.'),
  JOB_STORE_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'Finished jobs (succeeded, failed, cancelled) unchanged for this long are deleted from the job store, every JOB_STORE_PRUNE_INTERVAL_MS. Unset: EVENTS_MAX_AGE_HOURS, so the store keeps what EVENTS keeps. 0: never pruned. Jobs still waiting or running are never pruned.',
    ),
  JOB_STORE_PRUNE_INTERVAL_MS: envInt(600_000, 1_000).describe(
    'How often each gateway prunes the job store (JOB_STORE_RETENTION_HOURS); the first pass runs at start. Gateways sharing a database may all prune: the deletes are idempotent.',
  ),
  PUBLIC_LINK_SECRET: z
    .string()
    .min(16)
    .optional()
    .describe('HMAC secret for signed, expiring artifact links (Instagram fetches video from them).'),
  SESSION_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe(
      'Signs dashboard session cookies; give every replica the same one. Without it each process makes a random one and sessions end when it restarts.',
    ),
  AUDIT_MAX_AGE_DAYS: envInt(90, 1).describe(
    'How long audit records (stream AUDIT: who submitted, cancelled, requeued, purged…) are kept.',
  ),
  SESSION_TTL_MS: envInt(12 * 3_600_000, 60_000).describe('How long a dashboard sign-in lasts.'),
  DASHBOARD_TRACE_URL_TEMPLATE: z
    .string()
    .optional()
    .describe("A job's trace link in the dashboard, `{traceId}` replaced: e.g. `http://localhost:16686/trace/{traceId}` for Jaeger."),
});
export type GatewayEnv = z.output<typeof GatewayEnv>;

function trustProxy(value: string): boolean | string[] {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return v.split(',').map((s) => s.trim());
}
