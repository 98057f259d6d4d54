import type { SleepInput } from '@reelay/contracts';
import { TransientError } from '../errors.js';
import { abortableSleep } from './abortable-sleep.js';
import type { Handler } from './job-context.js';

/** `system.noop` and `system.sleep`: health checks, the sample pipeline, the benchmark. */
export const systemHandlers: Record<string, Handler> = {
  'system.noop': async () => ({ ok: true }),
  'system.sleep': async (input: Required<SleepInput>, ctx) => {
    if (ctx.attempt <= input.failAttempts) {
      throw new TransientError(`failing attempt ${ctx.attempt} of ${input.failAttempts} on request`);
    }
    const step = input.ms / input.steps;
    const started = Date.now();
    for (let i = 1; i <= input.steps; i++) {
      await abortableSleep(step, ctx.signal);
      ctx.progress((i / input.steps) * 100, `slept ${i}/${input.steps}`);
    }
    return { sleptMs: Date.now() - started };
  },
};
