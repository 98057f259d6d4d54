import { TransientError } from '@reelay/runtime';

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
    await sleep(('waitMs' in answer ? answer.waitMs : undefined) ?? options.intervalMs, options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
