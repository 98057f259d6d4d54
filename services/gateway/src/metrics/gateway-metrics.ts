import { isTerminal, type JobEvent } from '@reelay/contracts';
import type { JobProjector, JobStore } from '@reelay/job-store';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueStats } from '../queues/queue-stats.js';

/**
 * Prometheus metrics: jobs by state and queue (counted in the job store at scrape time,
 * so every gateway reports the same figure — aggregate with max, not sum), queue depth
 * by band (JetStream consumer info, read at scrape time), job latencies observed as the
 * store's projector applies events, the projector's lag, HTTP request counts, and the
 * process and Node defaults (memory, CPU, event-loop lag) that every worker service exports.
 */
export function createMetrics(store: JobStore, queueStats: QueueStats) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let projector: JobProjector | undefined;
  new Gauge({
    name: 'reelay_jobs',
    help: 'Jobs in the job store, by queue and state (the same on every gateway: use max, not sum, across replicas).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { queue, status, n } of await store.countsByQueueAndStatus()) this.set({ queue, state: status }, n);
    },
  });
  new Gauge({
    name: 'reelay_job_store_lag_events',
    help: 'Job events in JetStream this gateway’s store projector has not written yet.',
    registers: [registry],
    async collect() {
      this.set(projector ? await projector.lag() : 0);
    },
  });
  new Gauge({
    name: 'reelay_job_store_position',
    help: 'EVENTS stream sequence up to which this gateway’s projector has written the store.',
    registers: [registry],
    collect() {
      this.set(projector?.position ?? 0);
    },
  });
  new Gauge({
    name: 'reelay_queue_depth',
    help: 'Jobs waiting in a queue band (JetStream consumer num_pending).',
    labelNames: ['queue', 'band'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const q of await queueStats.all()) for (const b of q.bands) this.set({ queue: q.name, band: b.band }, b.pending);
    },
  });
  const wait = new Histogram({
    name: 'reelay_job_wait_seconds',
    help: 'Submit → start of the first attempt.',
    labelNames: ['queue'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [registry],
  });
  const total = new Histogram({
    name: 'reelay_job_duration_seconds',
    help: 'Submit → finished, by final state.',
    labelNames: ['queue', 'state'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600, 3600],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'reelay_http_requests_total',
    help: 'HTTP requests by route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  /**
   * Fed with the events whose store row this gateway's projector changed: with several
   * gateways on one PostgreSQL the first to write a state observes it, so the histograms
   * summed over replicas count each job about once.
   */
  // Jobs whose first attempt's wait is observed and that have not finished: a job is
  // observed at its first record with a start, the `running` one or — when its handler
  // returned within its first turn and so left no `running` record (the runtime's
  // attempt-links.ts) — its settled one. Bounded, oldest first out.
  const waited = new Set<string>();
  const observe = (events: readonly JobEvent[]) => {
    for (const { kind, job } of events) {
      if (kind !== 'state') continue;
      const terminal = isTerminal(job.status);
      if (job.attempts === 1 && job.startedAt && !waited.has(job.id)) {
        wait.observe({ queue: job.queue }, (Date.parse(job.startedAt) - Date.parse(job.createdAt)) / 1000);
        if (!terminal) waited.add(job.id);
        if (waited.size > MAX_WAITING) waited.delete(waited.values().next().value as string);
      }
      if (terminal) waited.delete(job.id);
      if (terminal && job.finishedAt) {
        total.observe({ queue: job.queue, state: job.status }, (Date.parse(job.finishedAt) - Date.parse(job.createdAt)) / 1000);
      }
    }
  };
  return {
    registry,
    requests,
    observe,
    /** The projector whose lag and position are reported (it is made after the metrics). */
    watchProjector(p: JobProjector) {
      projector = p;
    },
  };
}
export type GatewayMetrics = ReturnType<typeof createMetrics>;

/** Jobs remembered as started and unfinished, for the wait histogram (one id each). */
const MAX_WAITING = 100_000;
