import type { JobEvent, JobRecord } from '@reelay/contracts';
import type { JobStore } from '@reelay/job-store';
import { describe, expect, it } from 'vitest';
import type { QueueStats } from '../queues/queue-stats.js';
import { createMetrics } from './gateway-metrics.js';

const created = '2026-12-03T10:00:00.000Z';

function record(id: string, status: JobRecord['status'], attempts: number, startedAt?: string): JobRecord {
  return {
    id,
    type: 'system.noop',
    queue: 'system',
    project: 'p',
    priority: 'normal',
    input: {},
    status,
    attempts,
    maxAttempts: 3,
    errors: [],
    progress: 0,
    freeRedeliveries: 0,
    createdAt: created,
    updatedAt: created,
    ...(startedAt ? { startedAt } : {}),
    ...(status === 'succeeded' ? { finishedAt: '2026-12-03T10:00:01.000Z' } : {}),
  } as JobRecord;
}

const state = (job: JobRecord): JobEvent => ({ kind: 'state', job });

/** How many waits the histogram holds, and their sum in seconds. */
async function waits(metrics: ReturnType<typeof createMetrics>) {
  const metric = await metrics.registry.getSingleMetric('reelay_job_wait_seconds')?.get();
  const count = metric?.values.find((v) => v.metricName === 'reelay_job_wait_seconds_count')?.value ?? 0;
  const sum = metric?.values.find((v) => v.metricName === 'reelay_job_wait_seconds_sum')?.value ?? 0;
  return { count, sum };
}

describe('gateway metrics: the first attempt’s wait', () => {
  const make = () => createMetrics({} as JobStore, {} as QueueStats);
  const started = '2026-12-03T10:00:00.250Z';

  it('is observed once for a job recorded running and then finished', async () => {
    const metrics = make();
    metrics.observe([state(record('a', 'queued', 0)), state(record('a', 'running', 1, started))]);
    metrics.observe([state(record('a', 'succeeded', 1, started))]);
    expect(await waits(metrics)).toEqual({ count: 1, sum: 0.25 });
  });

  it('is observed from the final record of a job that left no running record', async () => {
    const metrics = make();
    metrics.observe([state(record('b', 'queued', 0)), state(record('b', 'succeeded', 1, started))]);
    expect(await waits(metrics)).toEqual({ count: 1, sum: 0.25 });
  });

  it('is observed once for a first attempt that failed and was retried', async () => {
    const metrics = make();
    metrics.observe([state(record('c', 'retrying', 1, started))]);
    metrics.observe([state(record('c', 'running', 2, '2026-12-03T10:00:02.000Z'))]);
    metrics.observe([state(record('c', 'succeeded', 2, '2026-12-03T10:00:02.000Z'))]);
    expect(await waits(metrics)).toEqual({ count: 1, sum: 0.25 });
  });
});
