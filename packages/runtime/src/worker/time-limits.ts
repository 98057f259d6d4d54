import type { TaskDefinition } from '@reelay/contracts';

/** setTimeout fires at once past 2^31−1 ms; the contracts cap timeoutMs well below. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The attempt's soft and hard limits. A job's `timeoutMs` replaces the hard limit; the
 * soft limit then comes at least a tenth of it earlier, so a handler always gets its
 * grace period to clean up before the kill.
 */
export function timeLimits(task: Pick<TaskDefinition, 'softTimeoutMs' | 'hardTimeoutMs'>, timeoutMs?: number) {
  const hardMs = Math.min(timeoutMs ?? task.hardTimeoutMs, MAX_TIMER_MS);
  const softMs = Math.max(1, Math.min(task.softTimeoutMs, hardMs - Math.max(1, Math.floor(hardMs / 10))));
  return { softMs, hardMs };
}
