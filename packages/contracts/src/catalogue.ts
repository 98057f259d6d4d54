import type { z } from 'zod';
import type { ApiScope } from './http/auth.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { SENSITIVE_PATH_PATTERN } from './sensitive-input.js';

export interface RateLimit {
  /** At most `max` starts in any window of `perMs`, across every replica. */
  max: number;
  perMs: number;
}

/** One task type: where it runs, how it retries, how long it may take, what it eats. */
export interface TaskDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, T extends string = string> {
  /** Kept as its literal (`'acme.resize'`, not `string`), so `taskMap(...)` can key by it. */
  type: T;
  /**
   * The contract's version, 1 unless raised. Two workers may not register one type at
   * one version with different schemas; raise it when the input or output changes.
   */
  version?: number;
  description: string;
  queue: string;
  priority: number;
  retry: RetryPolicy;
  /** The handler's AbortSignal fires; it may clean up. */
  softTimeoutMs: number;
  /** The attempt is failed and child processes are killed. */
  hardTimeoutMs: number;
  rateLimit?: RateLimit;
  /**
   * The API scope a key needs to submit this task, on top of jobs:write. Maintenance
   * tasks (cleanup, DLQ figures, worker health) say `admin`: they look past one project.
   */
  requiresScope?: ApiScope;
  /**
   * Input field paths (`token`, `credentials.apiKey`) encrypted at rest: in the queue
   * message, the job record and the DLQ they are ciphertext, the gateway shows
   * `[redacted]`, and only the worker decrypts them, before the handler runs. Needs
   * REELAY_ENCRYPTION_KEY on the gateway and the workers (docs/operations.md).
   */
  sensitive?: readonly string[];
  input: I;
  output: O;
}

type TaskOptions<I extends z.ZodType, O extends z.ZodType, T extends string> = Omit<
  TaskDefinition<I, O, T>,
  'retry' | 'priority' | 'softTimeoutMs' | 'hardTimeoutMs'
> &
  Partial<Pick<TaskDefinition<I, O, T>, 'priority' | 'softTimeoutMs' | 'hardTimeoutMs'>> & {
    retry?: Partial<RetryPolicy>;
  };

export function defineTask<I extends z.ZodType, O extends z.ZodType, const T extends string = string>(
  options: TaskOptions<I, O, T>,
): TaskDefinition<I, O, T> {
  const hardTimeoutMs = options.hardTimeoutMs ?? 10 * 60_000;
  for (const path of options.sensitive ?? []) {
    if (!SENSITIVE_PATH_PATTERN.test(path)) throw new TypeError(`task ${options.type}: sensitive "${path}" is not a field path`);
  }
  return {
    ...options,
    priority: options.priority ?? 5,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    hardTimeoutMs,
    softTimeoutMs: options.softTimeoutMs ?? Math.floor(hardTimeoutMs * 0.9),
  };
}

// ---- task maps: what typed clients are typed from ----

/** What a typed client needs of a task: its schemas. A TaskDefinition is one. */
export interface TaskSchemas {
  readonly input: z.ZodType;
  readonly output: z.ZodType;
}

/**
 * Task types mapped to their definitions: the built-in catalogue is one, and so is a
 * user's `taskMap(resize, quote)` or `{ 'acme.resize': resize } as const`.
 */
export type TaskMap = { readonly [type: string]: TaskSchemas };

/** What a submit of type T takes: the input schema's input side, defaults still optional. */
export type TaskMapInput<M extends TaskMap, T extends keyof M> = z.input<M[T]['input']>;
/** What a job of type T returns: the output schema's parsed side. */
export type TaskMapOutput<M extends TaskMap, T extends keyof M> = z.output<M[T]['output']>;

/** The map `taskMap(...)` returns: each definition under its own literal type. */
export type TaskMapOf<D extends readonly TaskDefinition[]> = { readonly [K in D[number] as K['type']]: K };

/**
 * Gathers task definitions into a map keyed by their type, for typed clients and
 * workflow builders: `createClient({ baseUrl, tasks: taskMap(resize, quote) })`.
 * Two definitions of one type are a mistake this throws on.
 */
export function taskMap<const D extends readonly TaskDefinition[]>(...definitions: D): TaskMapOf<D> {
  const map: Record<string, TaskDefinition> = {};
  for (const definition of definitions) {
    if (Object.hasOwn(map, definition.type)) throw new TypeError(`task type "${definition.type}" is defined twice`);
    map[definition.type] = definition;
  }
  return map as TaskMapOf<D>;
}
