import { z } from 'zod';

/** Job priority: 0 (least urgent) … 10 (most urgent). */
export const Priority = z.number().int().min(0).max(10);
export type Priority = z.infer<typeof Priority>;

/**
 * JetStream has no per-message priority, so priorities fall into bands, each its own
 * subject and durable consumer; the worker's take order does the rest.
 */
export const PriorityBand = { high: 'high', normal: 'normal', low: 'low' } as const;
export type PriorityBand = (typeof PriorityBand)[keyof typeof PriorityBand];
export const PRIORITY_BANDS: readonly PriorityBand[] = ['high', 'normal', 'low'];

export function bandFor(priority: number): PriorityBand {
  if (priority >= 7) return 'high';
  if (priority >= 4) return 'normal';
  return 'low';
}
