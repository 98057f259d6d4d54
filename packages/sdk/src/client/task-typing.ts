import type { TaskCatalogue, TaskMap } from '@reelay/contracts';

/**
 * How the client is typed from task definitions: the built-in catalogue, with the
 * caller's own task map laid over it. Types only — the gateway (through the task
 * registry) is what validates a submission at run time.
 */

/** No custom tasks: a client typed from the built-in catalogue alone. */
export type NoTasks = Record<never, never>;

/**
 * Every task type a client typed with the map U can submit: U's own, and every built-in
 * one that U does not redefine.
 */
export type ClientTasks<U extends TaskMap = NoTasks> = {
  readonly [K in keyof TaskCatalogue | keyof U]: K extends keyof U ? U[K] : K extends keyof TaskCatalogue ? TaskCatalogue[K] : never;
};

/** The task type names of a map, as strings. */
export type TaskTypeOf<M extends TaskMap> = keyof M & string;
