import { z } from 'zod';
import { QUEUE_NAME_PATTERN } from './subjects.js';

/**
 * Ids and names that clients send and that end up in NATS subjects. Every one is checked
 * against these before it reaches a subject, a filter or a lookup, so `>`, `*`, `.` and
 * spaces never get there.
 */

/** A job id as the runtime makes it: a lower-case UUID (v7, so ids sort by creation). */
export const JobId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'not a job id');
export type JobId = z.infer<typeof JobId>;

/** A queue name: it is part of stream names and subjects. */
export const QueueName = z.string().regex(QUEUE_NAME_PATTERN, 'not a queue name');
export type QueueName = z.infer<typeof QueueName>;
