import type { TaskDefinition } from '@reelay/contracts';
import type { z } from 'zod';
import type { Handler, JobContext } from './job-context.js';

/**
 * A task definition (the contract, from `defineTask` — shareable with clients) joined to
 * the code that runs it. The handler receives the input as the definition's schema
 * parsed it (defaults applied) and must return what the output schema accepts; the
 * worker parses both, so a handler never sees input that breaks the contract.
 */
export interface TaskImplementation<D extends TaskDefinition = TaskDefinition> {
  definition: D;
  handler: Handler<z.output<D['input']>, z.input<D['output']>>;
}

export type TaskHandler<D extends TaskDefinition> = (input: z.output<D['input']>, ctx: JobContext) => Promise<z.input<D['output']>>;

export function implementTask<D extends TaskDefinition>(definition: D, handler: TaskHandler<D>): TaskImplementation<D> {
  return { definition, handler };
}

/** The handler and definition maps a Worker takes, from a list of implementations. */
export function workerTasks(implementations: readonly TaskImplementation[]): {
  handlers: Record<string, Handler>;
  tasks: Record<string, TaskDefinition>;
} {
  const handlers: Record<string, Handler> = {};
  const tasks: Record<string, TaskDefinition> = {};
  for (const { definition, handler } of implementations) {
    if (handlers[definition.type]) throw new Error(`task ${definition.type} is implemented twice`);
    handlers[definition.type] = handler as Handler;
    tasks[definition.type] = definition;
  }
  return { handlers, tasks };
}
