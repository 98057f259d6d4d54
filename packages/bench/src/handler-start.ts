/**
 * When a job's handler began, as the handler itself reads it: the latency workload's
 * submit→start, the same way for both systems. Each system's own report of a start is
 * no common measure: BullMQ's `active` event is written as the worker takes the job,
 * Reelay writes no `running` record for a job whose handler returns within the turn it
 * started in (its final record holds the start), so an observer would see it start only
 * once it was done.
 *
 * The clock is the machine's monotonic one (monotonic-clock.ts), the same in every
 * process on it, so a worker's reading compares with the bench's. BullMQ's job of the same
 * kind is `BULLMQ_STAMP_JOB` there.
 */
import { defineTask } from '@reelay/contracts';
import { implementTask } from '@reelay/runtime';
import { z } from 'zod';
import { monotonicMs } from './monotonic-clock.js';

/** Reelay's latency job: returns when its handler began. */
export const benchStamp = defineTask({
  type: 'bench.stamp',
  description: 'Returns the monotonic time its handler began (the peer benchmark).',
  queue: 'system',
  input: z.object({ pad: z.string().optional() }),
  output: z.object({ handlerStartMs: z.number() }),
});

export const benchStampImplementation = implementTask(benchStamp, async () => ({ handlerStartMs: monotonicMs() }));
