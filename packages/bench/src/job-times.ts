/**
 * When the bench saw each job start and finish, as each system reports it to an outside
 * observer (see `BenchQueue.watch`). Times are `performance.now()` in the bench process,
 * at arrival.
 */
const STALL_MS = 30_000;

export class JobTimes {
  readonly started = new Map<string, number>();
  readonly done = new Map<string, number>();
  /** When a latency job's handler began, as it reported (handler-start.ts): monotonic ms. */
  readonly handlerStarted = new Map<string, number>();
  firstStartAt = Number.NaN;
  lastDoneAt = Number.NaN;
  private target = Number.POSITIVE_INFINITY;
  private onTarget: (() => void) | undefined;
  private readonly waiters = new Map<string, () => void>();

  markStarted(id: string, at = performance.now()): void {
    if (this.started.has(id)) return;
    this.started.set(id, at);
    if (Number.isNaN(this.firstStartAt)) this.firstStartAt = at;
  }

  markHandlerStarted(id: string, monotonicMs: number): void {
    this.handlerStarted.set(id, monotonicMs);
  }

  markDone(id: string, at = performance.now()): void {
    if (this.done.has(id)) return;
    this.done.set(id, at);
    this.lastDoneAt = at;
    this.waiters.get(id)?.();
    if (this.done.size >= this.target) this.onTarget?.();
  }

  /**
   * Resolves once `n` distinct jobs are done. Rejects when none finished for `stallMs`:
   * a lost job or a dead worker should end the bench with a reason, not hang it.
   */
  untilDone(n: number, stallMs = STALL_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      let seen = this.done.size;
      const check = setInterval(() => {
        if (this.done.size > seen) seen = this.done.size;
        else {
          clearInterval(check);
          reject(new Error(`no job finished in ${stallMs / 1_000} s: ${this.done.size} of ${n} done`));
        }
      }, stallMs);
      this.target = n;
      this.onTarget = () => {
        clearInterval(check);
        resolve();
      };
      if (this.done.size >= n) this.onTarget();
    });
  }

  /** Resolves once job `id` is done (at once if it already is); rejects after `stallMs`. */
  untilJobDone(id: string, stallMs = STALL_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.done.has(id)) return resolve();
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`job ${id} not done in ${stallMs / 1_000} s`));
      }, stallMs);
      this.waiters.set(id, () => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve();
      });
    });
  }
}
