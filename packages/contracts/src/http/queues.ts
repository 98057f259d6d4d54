import { z } from 'zod';
import { QueueName } from '../identifiers.js';

export const QueueBandStats = z.object({
  band: z.enum(['high', 'normal', 'low']),
  /** Waiting, not yet delivered. */
  pending: z.number().int(),
  /** Delivered and not yet acknowledged: running now. */
  running: z.number().int(),
  redelivered: z.number().int(),
  /** Pull requests waiting on the consumer. */
  waitingPulls: z.number().int(),
  /** Age of the oldest waiting job, when there is one. */
  oldestWaitingMs: z.number().int().optional(),
});
export type QueueBandStats = z.infer<typeof QueueBandStats>;

export const QueueView = z.object({
  name: z.string(),
  stream: z.string(),
  paused: z.boolean(),
  /** Live workers (from heartbeats) that serve this queue. */
  consumers: z.number().int(),
  pending: z.number().int(),
  running: z.number().int(),
  bands: z.array(QueueBandStats),
});
export type QueueView = z.infer<typeof QueueView>;

export const QueueListResponse = z.object({ items: z.array(QueueView) });
export const QueueNameParams = z.object({ name: QueueName });
export const PurgeResponse = z.object({ purged: z.number().int() });
