import { z } from 'zod';
import { WorkerState } from './worker-control.js';

export const GpuInfo = z.object({
  name: z.string(),
  memoryTotalMiB: z.number().optional(),
  memoryUsedMiB: z.number().optional(),
  utilizationPct: z.number().optional(),
});
export type GpuInfo = z.infer<typeof GpuInfo>;

/** What a live worker says about itself every few seconds in KV `workers`. */
export const WorkerHeartbeat = z.object({
  id: z.string(),
  service: z.string(),
  host: z.string(),
  pid: z.number().int(),
  queues: z.array(z.string()),
  /** The task types this worker has handlers for (and registered at start). */
  tasks: z.array(z.string()).optional(),
  concurrency: z.number().int().positive(),
  running: z.array(z.string()),
  startedAt: z.string(),
  at: z.string(),
  cpuLoad1: z.number(),
  memoryRssBytes: z.number(),
  memoryFreeBytes: z.number(),
  diskFreeBytes: z.number().optional(),
  gpus: z.array(GpuInfo),
  encoders: z.array(z.string()).optional(),
  /** `draining` after a drain command or on the way to a recycle: it takes no new jobs. */
  state: WorkerState.optional(),
});
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeat>;
