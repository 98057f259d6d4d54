import { abortableSleep, TransientError } from '@reelay/runtime';

export interface PollOptions {
  intervalMs: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** Called between polls so JetStream knows the job is alive. */
  keepAlive?: () => void;
}

/**
 * Asks `check` until it returns a value. A platform that is still processing after
 * `timeoutMs` is a transient failure: the retry resumes polling from the publication record,
 * it does not upload again. `check` may return a wait of its own (X's check_after_secs).
 */
export async function pollUntil<T>(
  what: string,
  options: PollOptions,
  check: () => Promise<{ done: T } | { pending: true; waitMs?: number }>,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const answer = await check();
    if ('done' in answer) return answer.done;
    if (Date.now() >= deadline) throw new TransientError(`${what}: still processing after ${options.timeoutMs} ms`);
    options.keepAlive?.();
    await abortableSleep(('waitMs' in answer ? answer.waitMs : undefined) ?? options.intervalMs, options.signal);
  }
}
