/**
 * When a job's handler began, as the handler itself reads it: the latency workload's
 * submit→start, the same way for both systems. Each system's own report of a start is
 * no common measure: BullMQ's `active` event is written as the worker takes the job,
 * Reelay writes no `running` record for a job whose handler returns within the turn it
 * started in (its final record holds the start), so an observer would see it start only
 * once it was done.
 *
 * The clock is the machine's monotonic one (`process.hrtime`, CLOCK_MONOTONIC), the
 * same in every process on it, so a worker's reading compares with the bench's.
 */
import { defineTask } from '@reelay/contracts';
import { implementTask } from '@reelay/runtime';
import { z } from 'zod';

/** Milliseconds on the machine's monotonic clock. */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Reelay's latency job: returns when its handler began. */
export const benchStamp = defineTask({
  type: 'bench.stamp',
  description: 'Returns the monotonic time its handler began (the peer benchmark).',
  queue: 'system',
  input: z.object({ pad: z.string().optional() }),
  output: z.object({ handlerStartMs: z.number() }),
});

export const benchStampImplementation = implementTask(benchStamp, async () => ({ handlerStartMs: monotonicMs() }));

/** The BullMQ job name of the same job: its handler returns the same reading. */
export const BULLMQ_STAMP_JOB = 'stamp';
