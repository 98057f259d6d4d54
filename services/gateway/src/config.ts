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
  PUBLIC_LINK_SECRET: z
    .string()
    .min(16)
    .optional()
    .describe('HMAC secret for signed, expiring artifact links (Instagram fetches video from them).'),
});
export type GatewayEnv = z.output<typeof GatewayEnv>;
