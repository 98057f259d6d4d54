/**
 * acme-worker's task contracts: what each task takes and returns, where it queues and
 * how it retries. Contracts and zod only — no runtime, no `node:` — so a client (the
 * SDK in a browser, another service) imports this module to type its calls:
 * `createClient({ baseUrl, tasks: acmeTasks })`. The code that runs them is in tasks/.
 */
import { defineTask, taskMap } from '@reelay/contracts';
import { z } from 'zod';

/** CPU-bound: a SHA-256 proof of work, done in the worker process. */
export const proofOfWork = defineTask({
  type: 'acme.proof-of-work',
  description: 'Finds a nonce such that the SHA-256 of data:nonce starts with difficultyBits zero bits.',
  queue: 'acme',
  input: z.object({
    data: z.string().min(1).max(4096),
    /** Each bit doubles the expected work: 16 is about 65 000 hashes, 24 about 16 million. */
    difficultyBits: z.number().int().min(1).max(32).default(16),
  }),
  output: z.object({
    nonce: z.number().int().nonnegative(),
    /** Hex SHA-256 of `${data}:${nonce}`. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    hashes: z.number().int().positive(),
  }),
  // Nothing outside can make a hash fail: one retry covers a worker that died.
  retry: { maxAttempts: 2 },
  hardTimeoutMs: 5 * 60_000,
});

/** Calls an outside HTTP API (a currency-rates service) that rate-limits with 429. */
export const convertCurrency = defineTask({
  type: 'acme.convert-currency',
  description: 'Converts an amount between two currencies at the rate the rates API quotes.',
  queue: 'acme',
  input: z.object({
    amount: z.number().nonnegative(),
    from: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
    to: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
  }),
  output: z.object({
    amount: z.number(),
    from: z.string(),
    to: z.string(),
    rate: z.number().positive(),
    converted: z.number(),
    /** `100 EUR = 108 USD`: what a later workflow step can quote. */
    summary: z.string(),
  }),
  // A 429 does not spend one of these (RetryAfterError); a 5xx or a dropped connection does.
  retry: { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 10_000 },
  // The rates API allows 20 calls a second per account: every replica together.
  rateLimit: { max: 20, perMs: 1_000 },
  hardTimeoutMs: 60_000,
});

/** Every acme task by type: what a typed client and workflow builder are typed from. */
export const acmeTasks = taskMap(proofOfWork, convertCurrency);
export type AcmeTasks = typeof acmeTasks;
