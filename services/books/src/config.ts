/**
 * The books service's configuration: the runtime's variables, which roles this process
 * runs, and each role's concurrency. Parsed once in main.ts; nothing else reads
 * process.env. One image serves every role, so a deployment picks its role by
 * BOOKS_ROLES (compose and Kubernetes run generation, validation and export apart).
 * BOOK_AI_BASE_URL picks the generation engine: set, an OpenAI-compatible chat model
 * writes; unset, the offline extractive composer does.
 */
import { envInt, HealthEnv, RecycleEnv, RuntimeEnv } from '@reelay/runtime';
import { z } from 'zod';

export const BOOK_ROLES = ['generation', 'validation', 'export'] as const;
export type BookRole = (typeof BOOK_ROLES)[number];

export const BooksEnv = RuntimeEnv.extend({
  ...HealthEnv.shape,
  ...RecycleEnv.shape,
  BOOKS_ROLES: z
    .string()
    .default(BOOK_ROLES.join(','))
    .transform((v, ctx) => {
      const roles = [
        ...new Set(
          v
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean),
        ),
      ];
      for (const r of roles) {
        if (!(BOOK_ROLES as readonly string[]).includes(r))
          ctx.addIssue({ code: 'custom', message: `unknown role "${r}" (use ${BOOK_ROLES.join(', ')})` });
      }
      if (!roles.length) ctx.addIssue({ code: 'custom', message: 'name at least one role' });
      return roles as BookRole[];
    })
    .describe(
      'Comma-separated roles this process runs: generation (book-generation queue), validation (book-validation), export (book-export).',
    ),
  BOOKS_GENERATION_CONCURRENCY: envInt(2, 1).describe(
    'Concurrent book-generation jobs (outline, chapters, introduction, conclusion) in this process.',
  ),
  BOOKS_VALIDATION_CONCURRENCY: envInt(2, 1).describe('Concurrent book-validation jobs in this process.'),
  BOOKS_EXPORT_CONCURRENCY: envInt(1, 1).describe('Concurrent book-export jobs in this process (PDF rendering is CPU-bound).'),
  BOOK_AI_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      'OpenAI-compatible API base for book generation, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. Unset: the offline extractive writer.',
    ),
  BOOK_AI_API_KEY: z.string().optional().describe('Bearer key for BOOK_AI_BASE_URL (never logged).'),
  BOOK_AI_MODEL: z.string().default('gpt-4o-mini').describe('Chat model that writes outlines and parts when BOOK_AI_BASE_URL is set.'),
  BOOK_AI_TIMEOUT_MS: envInt(120_000, 1_000).describe('Per-request timeout for the chat provider; a timeout is retried.'),
  BOOK_AI_REQUESTS_PER_MINUTE: envInt(0, 0).describe('Chat requests per minute across all books replicas (0 = no limit).'),
});
export type BooksEnv = z.output<typeof BooksEnv>;
