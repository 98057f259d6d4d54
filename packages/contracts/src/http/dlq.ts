import { z } from 'zod';
import { DeadLetter } from '../dead-letter.js';

export const DlqQuery = z.object({ queue: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
export const DlqListResponse = z.object({ items: z.array(DeadLetter) });
/** POST /v1/dlq/:id/requeue — optionally with a corrected input. */
export const RequeueBody = z.object({ input: z.unknown().optional() }).strict();
export type RequeueBody = z.infer<typeof RequeueBody>;
