import type { WorkerRecycleReason } from '@reelay/contracts';

/**
 * Recycling a worker process — Celery's worker_max_tasks_per_child and
 * worker_max_memory_per_child: after `maxJobs` jobs, or once its RSS is above
 * `maxRssBytes` when a job ends, the worker takes no more and asks to exit. The process
 * leaves through its normal shutdown (running jobs finish within the grace period, the
 * rest are handed back without spending an attempt) with exit code 0, and its
 * supervisor — Kubernetes, compose's `restart:`, the local start script — starts a
 * fresh one. A leak in a handler or a native library then costs a restart, not an
 * out-of-memory kill in the middle of jobs.
 */
export interface RecycleLimits {
  /** Jobs this process takes before it exits (WORKER_MAX_JOBS). */
  maxJobs?: number | undefined;
  /** Resident set size, in bytes, above which it exits after a job (WORKER_MAX_RSS_MB). */
  maxRssBytes?: number | undefined;
}

export class Recycler {
  private taken = 0;
  private reason: WorkerRecycleReason | undefined;

  constructor(
    private readonly limits: RecycleLimits,
    private readonly onLimit: (reason: WorkerRecycleReason, detail: Record<string, number>) => void,
    private readonly rss: () => number = () => process.memoryUsage.rss(),
  ) {}

  /** How many more jobs the worker may take now (Infinity without a job limit). */
  remaining(): number {
    if (this.reason) return 0;
    return this.limits.maxJobs === undefined ? Number.POSITIVE_INFINITY : Math.max(0, this.limits.maxJobs - this.taken);
  }

  /** Whether a limit was reached: the worker takes nothing more. */
  get reached(): WorkerRecycleReason | undefined {
    return this.reason;
  }

  jobTaken(): void {
    this.taken += 1;
  }

  /**
   * A job ended; `running` are still going. The job limit asks to exit once the last
   * running job is done (nothing is handed back); the memory limit asks at once, and the
   * shutdown's grace period decides what finishes.
   */
  jobSettled(running: number): void {
    if (this.reason) return;
    const { maxJobs, maxRssBytes } = this.limits;
    const rss = maxRssBytes === undefined ? 0 : this.rss();
    if (maxRssBytes !== undefined && rss > maxRssBytes) {
      this.reach('max-rss', { rss_bytes: rss, max_rss_bytes: maxRssBytes, jobs: this.taken });
    } else if (maxJobs !== undefined && this.taken >= maxJobs && running === 0) {
      this.reach('max-jobs', { jobs: this.taken, max_jobs: maxJobs });
    }
  }

  private reach(reason: WorkerRecycleReason, detail: Record<string, number>): void {
    this.reason = reason;
    this.onLimit(reason, detail);
  }
}
