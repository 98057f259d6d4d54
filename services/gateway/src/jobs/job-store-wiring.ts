import { JobProjector, JobStore, redactStoreUrl } from '@reelay/job-store';
import type { JobRecord } from '@reelay/contracts';
import type { Logger, NatsContext } from '@reelay/runtime';
import type { GatewayEnv } from '../config.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';

/**
 * Opens the job store named by JOB_STORE_URL (migrating it) — the gateway's lists,
 * counts and usage read it. Fails with the store's own message, the URL's password
 * hidden, so a gateway that cannot reach PostgreSQL says why and exits. Takes no logger:
 * main.ts opens it while the runtime connects to NATS, and logs once both are up.
 */
export async function openJobStore(config: GatewayEnv): Promise<JobStore> {
  try {
    return await JobStore.open(config.JOB_STORE_URL);
  } catch (err) {
    throw new Error(`cannot open the job store ${redactStoreUrl(config.JOB_STORE_URL)}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Starts the projector that keeps the store current from EVENTS and waits until it has
 * written every event published before the start (from its checkpoint: the events since
 * the last run, or all of them for a new store), so lists are complete once the gateway
 * says it is ready.
 */
export async function startProjector(
  deps: { ctx: NatsContext; store: JobStore; log: Logger; metrics: GatewayMetrics },
  batchSize: number,
): Promise<JobProjector> {
  const projector = new JobProjector({
    ctx: deps.ctx,
    store: deps.store,
    log: deps.log,
    batchSize,
    onApplied: deps.metrics.observe,
  });
  deps.metrics.watchProjector(projector);
  await projector.start();
  await projector.caughtUp();
  return projector;
}

/**
 * A route's own write into the store, before it answers (read-your-writes). The job is
 * already queued: if the store is down the request still succeeds — the projector
 * writes the same record once the store is back — and the failure is logged.
 *
 * Requests share transactions: while one write is in flight, the jobs of the requests
 * that arrive meanwhile gather and go together in the next one, and each request waits
 * for the transaction that holds its jobs. A busy gateway writes one transaction per
 * round instead of one per request (the per-transaction cost was the largest part of a
 * submit's CPU time, measured with --cpu-prof: docs/benchmarks.md).
 */
export async function rememberJobs(
  store: JobStore,
  log: { warn(obj: object, msg: string): void },
  jobs: readonly JobRecord[],
): Promise<void> {
  if (jobs.length === 0) return;
  let writer = writers.get(store);
  if (!writer) {
    writer = new GatheredWrites(store);
    writers.set(store, writer);
  }
  try {
    await writer.put(jobs);
  } catch (err) {
    log.warn({ err, jobs: jobs.length }, 'job store write failed; the projector will catch up');
  }
}

const writers = new WeakMap<JobStore, GatheredWrites>();

/** One store write in flight at a time; what arrives meanwhile goes in the next, together. */
class GatheredWrites {
  private next: { jobs: JobRecord[]; done: Promise<void>; settle: (err?: unknown) => void } | undefined;
  private writing = false;

  constructor(private readonly store: JobStore) {}

  put(jobs: readonly JobRecord[]): Promise<void> {
    if (!this.next) {
      let settle: (err?: unknown) => void = () => {};
      const done = new Promise<void>((resolve, reject) => {
        settle = (err) => (err === undefined ? resolve() : reject(err));
      });
      this.next = { jobs: [], done, settle };
    }
    this.next.jobs.push(...jobs);
    const { done } = this.next;
    if (!this.writing) void this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      for (let batch = this.next; batch; batch = this.next) {
        this.next = undefined;
        try {
          // The store keeps the newest of several records of one job (by updatedAt).
          await this.store.put(batch.jobs);
          batch.settle();
        } catch (err) {
          batch.settle(err ?? new Error('job store write failed'));
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
