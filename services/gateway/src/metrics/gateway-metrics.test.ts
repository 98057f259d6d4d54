import type { JobEnvelope, JobEvent, JobRecord } from '@reelay/contracts';
import type { JobStore } from '@reelay/job-store';
import { attemptFailed, attemptStarted, initialRecord, succeeded } from '@reelay/runtime';
import { describe, expect, it } from 'vitest';
import type { QueueStats } from '../queues/queue-stats.js';
import { createMetrics } from './gateway-metrics.js';

const created = '2026-12-03T10:00:00.000Z';
const envelope = (id: string): JobEnvelope => ({
  id,
  type: 'system.noop',
  queue: 'system',
  input: {},
  priority: 5,
  project: 'p',
  maxAttempts: 3,
  createdAt: created,
});

/** The job's record as it moves, through the runtime's own transitions; an attempt started at `startedAt`. */
const queued = (id: string) => initialRecord(envelope(id));
const started = (record: JobRecord, attempt: number, startedAt: string): JobRecord => ({
  ...attemptStarted(record, attempt, 'w1'),
  startedAt,
});

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
  const at = '2026-12-03T10:00:00.250Z';

  it('is observed once for a job recorded running and then finished', async () => {
    const metrics = make();
    const running = started(queued('a'), 1, at);
    metrics.observe([state(queued('a')), state(running)]);
    metrics.observe([state(succeeded(running, {}))]);
    expect(await waits(metrics)).toEqual({ count: 1, sum: 0.25 });
  });

  it('is observed from the final record of a job that left no running record', async () => {
    const metrics = make();
    metrics.observe([state(queued('b')), state(succeeded(started(queued('b'), 1, at), {}))]);
    expect(await waits(metrics)).toEqual({ count: 1, sum: 0.25 });
  });

  it('is observed once for a first attempt that failed and was retried', async () => {
    const metrics = make();
    const error = { code: 'TRANSIENT', message: 'x', retryable: true };
    const retrying = attemptFailed(started(queued('c'), 1, at), { attempt: 1, error, workerId: 'w1', delayMs: 1_000 });
    const second = started(retrying, 2, '2026-12-03T10:00:02.000Z');
    metrics.observe([state(retrying)]);
    metrics.observe([state(second)]);
    metrics.observe([state(succeeded(second, {}))]);
    expect(await waits(metrics)).toEqual({ count: 1, sum: 0.25 });
  });
});
