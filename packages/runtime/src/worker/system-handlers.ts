import { systemTasks } from '@reelay/contracts';
import { TransientError } from '../errors.js';
import { abortableSleep } from './abortable-sleep.js';
import type { Handler } from './job-context.js';
import { implementTask, type TaskImplementation, workerTasks } from './task-implementation.js';

/**
 * `system.noop` and `system.sleep`: health checks, the sample pipeline, the benchmark.
 * Implemented like any custom task, so a worker serves them with
 * `workerTasks([...systemTaskImplementations, ...])`.
 */
export const systemTaskImplementations: readonly TaskImplementation[] = [
  implementTask(systemTasks['system.noop'], async () => ({ ok: true as const })),
  implementTask(systemTasks['system.sleep'], async (input, ctx) => {
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
  }),
];

/** The same handlers as a map by task type, for a Worker built by hand. */
export const systemHandlers: Record<string, Handler> = workerTasks(systemTaskImplementations).handlers;
