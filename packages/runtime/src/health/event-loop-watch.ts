/**
 * Liveness: is the event loop still turning? A timer ticks every `intervalMs`; the lag
 * is how late a tick came (or how late the pending one already is). A loop that keeps
 * lagging past `maxLagMs` — a CPU-bound handler starving everything, a spin — answers
 * /healthz with 503, and the orchestrator restarts the process after its failure
 * threshold. One slow tick passes (the next one is on time again): a single long
 * synchronous step is no reason to kill a worker and its running jobs.
 */
export class EventLoopWatch {
  private last = performance.now();
  private lastLagMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: { intervalMs?: number; maxLagMs?: number } = {}) {}

  private get intervalMs(): number {
    return this.options.intervalMs ?? 500;
  }

  start(): this {
    if (this.timer) return this;
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lastLagMs = Math.max(0, now - this.last - this.intervalMs);
      this.last = now;
    }, this.intervalMs);
    // The watch never keeps a process alive on its own.
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The larger of the last tick's lag and how overdue the next tick is now, in ms. */
  lagMs(): number {
    const overdue = Math.max(0, performance.now() - this.last - this.intervalMs);
    return Math.max(this.lastLagMs, overdue);
  }

  responsive(): boolean {
    return this.lagMs() <= (this.options.maxLagMs ?? 5_000);
  }
}
