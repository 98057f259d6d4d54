import type { z } from 'zod';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

export interface RateLimit {
  /** At most `max` starts in any window of `perMs`, across every replica. */
  max: number;
  perMs: number;
}

/** One task type: where it runs, how it retries, how long it may take, what it eats. */
export interface TaskDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  type: string;
  description: string;
  queue: string;
  priority: number;
  retry: RetryPolicy;
  /** The handler's AbortSignal fires; it may clean up. */
  softTimeoutMs: number;
  /** The attempt is failed and child processes are killed. */
  hardTimeoutMs: number;
  rateLimit?: RateLimit;
  input: I;
  output: O;
}

type TaskOptions<I extends z.ZodType, O extends z.ZodType> = Omit<
  TaskDefinition<I, O>,
  'retry' | 'priority' | 'softTimeoutMs' | 'hardTimeoutMs'
> &
  Partial<Pick<TaskDefinition<I, O>, 'priority' | 'softTimeoutMs' | 'hardTimeoutMs'>> & {
    retry?: Partial<RetryPolicy>;
  };

export function defineTask<I extends z.ZodType, O extends z.ZodType>(options: TaskOptions<I, O>): TaskDefinition<I, O> {
  const hardTimeoutMs = options.hardTimeoutMs ?? 10 * 60_000;
  return {
    ...options,
    priority: options.priority ?? 5,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    hardTimeoutMs,
    softTimeoutMs: options.softTimeoutMs ?? Math.floor(hardTimeoutMs * 0.9),
  };
}
