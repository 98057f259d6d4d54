import { envInt } from '@reelay/runtime';
import { z } from 'zod';

/**
 * acme-worker's own variables. The runtime's (NATS_URL, ACK_WAIT_MS, LOG_LEVEL… — see
 * docs/configuration.md, "every service") are read by runWorker.
 */
export const AcmeEnv = z.object({
  ACME_RATES_URL: z.url().describe('Base URL of the currency-rates API; the task calls GET <base>/rates/<FROM>/<TO>.'),
  ACME_RATES_TIMEOUT_MS: envInt(10_000, 1).describe('Limit for one call to the rates API.'),
  ACME_CONCURRENCY: envInt(4, 1).describe('Jobs this process runs at once.'),
});
export type AcmeEnv = z.output<typeof AcmeEnv>;
