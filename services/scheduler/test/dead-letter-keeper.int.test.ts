import { jobsStream } from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler } from './scheduler-fixture.js';

const QUEUE = 'keeper-test';
const STREAM = jobsStream(QUEUE);
const CONSUMER = `${QUEUE}-normal`;

describe('dead-letter keeper', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
    // A queue provisioned by hand whose consumer gives up after 2 deliveries (ensureQueue uses 50).
    await system.ctx.jsm.streams.add({
      name: STREAM,
      subjects: [`jobs.${QUEUE}.>`],
      retention: 'workqueue' as never,
      storage: 'file' as never,
    });
    await system.ctx.jsm.consumers.add(STREAM, {
      durable_name: CONSUMER,
      filter_subject: `jobs.${QUEUE}.normal`,
      ack_policy: 'explicit' as never,
      ack_wait: 1_000_000_000,
      max_deliver: 2,
    });
    await startScheduler(system);
  });
  afterAll(() => system.close());

  it('a job that reached max deliveries is moved to the DLQ intact and removed from its queue', async () => {
    const { job } = await system.client.enqueue({
      type: 'system.sleep',
      input: { ms: 5, steps: 1 },
      queue: QUEUE,
      labels: { kept: 'yes' },
    });
    const consumer = await system.ctx.js.consumers.get(STREAM, CONSUMER);
    // Two deliveries that are never answered: a worker that dies holding the job, twice.
    for (let i = 1; i <= 2; i++) {
      const m = await consumer.next({ expires: 5_000 });
      expect(m?.info.deliveryCount).toBe(i);
    }
    // A third pull finds nothing: the server gives up on the job and says so in the advisory.
    expect(await consumer.next({ expires: 3_000 })).toBeNull();

    const dead = await waitUntil(() => system.client.getDeadLetter(job.id), { timeoutMs: 20_000, what: 'the dead letter' });
    expect(dead.reason).toBe('max-deliveries');
    expect(dead.error.code).toBe('WORKER_LOST');
    expect(dead.job).toEqual({
      id: job.id,
      type: job.type,
      queue: QUEUE,
      input: job.input,
      priority: job.priority,
      project: job.project,
      maxAttempts: job.maxAttempts,
      labels: { kept: 'yes' },
      createdAt: job.createdAt,
      ...(job.traceId ? { traceId: job.traceId } : {}),
    });
    const record = await system.waitForStatus(job.id, ['failed'], 10_000);
    expect(record.error?.code).toBe('WORKER_LOST');
    await waitUntil(async () => (await system.ctx.jsm.streams.info(STREAM)).state.messages === 0, {
      timeoutMs: 10_000,
      what: 'the work-queue message to be deleted',
    });
  });
});
