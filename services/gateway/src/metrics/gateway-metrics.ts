import { isTerminal } from '@reelay/contracts';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobIndex } from '../jobs/job-index.js';
import type { QueueStats } from '../queues/queue-stats.js';

/**
 * Prometheus metrics: jobs by state and queue (from the job index), queue depth by band
 * (from JetStream consumer info, read at scrape time), job latencies observed as
 * records change, and HTTP request counts.
 */
export function createMetrics(index: JobIndex, queueStats: QueueStats) {
  const registry = new Registry();
  new Gauge({
    name: 'reelay_jobs',
    help: 'Jobs known to the gateway, by queue and state.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, n] of index.countsBy()) {
        const [queue, state] = key.split('\u0000');
        this.set({ queue, state }, n);
      }
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
  index.onChange((job, previous) => {
    if (job.status === 'running' && job.attempts === 1 && previous?.status !== 'running' && job.startedAt) {
      wait.observe({ queue: job.queue }, (Date.parse(job.startedAt) - Date.parse(job.createdAt)) / 1000);
    }
    if (isTerminal(job.status) && (!previous || !isTerminal(previous.status)) && job.finishedAt) {
      total.observe({ queue: job.queue, state: job.status }, (Date.parse(job.finishedAt) - Date.parse(job.createdAt)) / 1000);
    }
  });
  return { registry, requests };
}
export type GatewayMetrics = ReturnType<typeof createMetrics>;
