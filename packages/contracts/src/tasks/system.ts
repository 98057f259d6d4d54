import { z } from 'zod';
import { defineTask } from '../catalogue.js';

export const NoopInput = z.object({}).passthrough().default({});
export const NoopOutput = z.object({ ok: z.literal(true) });

export const SleepInput = z.object({
  ms: z
    .number()
    .int()
    .min(0)
    .max(24 * 3_600_000),
  /** How many progress reports to make along the way. */
  steps: z.number().int().min(1).max(1000).default(10),
  /** Fail this many first attempts with a retryable error (tests, demos). */
  failAttempts: z.number().int().min(0).default(0),
});
export type SleepInput = z.input<typeof SleepInput>;
export const SleepOutput = z.object({ sleptMs: z.number() });

export const systemTasks = {
  'system.noop': defineTask({
    type: 'system.noop',
    description: 'Does nothing and succeeds: health checks and the queue benchmark.',
    queue: 'system',
    input: NoopInput,
    output: NoopOutput,
    hardTimeoutMs: 30_000,
  }),
  'system.sleep': defineTask({
    type: 'system.sleep',
    description: 'Sleeps for `ms`, reporting progress in `steps`; honours cancellation.',
    queue: 'system',
    input: SleepInput,
    output: SleepOutput,
    hardTimeoutMs: 24 * 3_600_000 + 60_000,
  }),
} as const;
