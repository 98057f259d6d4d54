import { z } from 'zod';
import { DeadLetter } from '../dead-letter.js';
import { JobTimeoutMs, MaxAttempts } from '../envelope.js';
import { QueueName } from '../identifiers.js';

export const DlqQuery = z.object({ queue: QueueName.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
export const DlqListResponse = z.object({ items: z.array(DeadLetter) });
/**
 * POST /v1/dlq/:id/requeue — no body (or `{}`) queues the job as it was; any field given
 * replaces the dead job's: a corrected input, a longer time limit, more attempts.
 */
export const RequeueBody = z
  .object({ input: z.unknown().optional(), timeoutMs: JobTimeoutMs.optional(), maxAttempts: MaxAttempts.optional() })
  .strict();
export type RequeueBody = z.infer<typeof RequeueBody>;
