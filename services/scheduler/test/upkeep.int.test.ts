import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  ARTIFACTS_BUCKET,
  type CleanupOutput,
  type DlqSummaryOutput,
  type HealthCheckOutput,
  SystemEvent,
  systemEventSubject,
  type WorkerHeartbeat,
} from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PROJECT } from '../src/schedules/built-in-schedules.js';
import { startScheduler } from './scheduler-fixture.js';

const HOUR = 3_600_000;

describe('upkeep tasks run by the scheduler', () => {
  let system: TestSystem;
  let webhook: Server;
  const webhookBodies: SystemEvent[] = [];

  /** As the built-in schedules submit upkeep: under the system project, which acts on every project. */
  const run = async <T>(type: string, input: unknown): Promise<T> => {
    const { job } = await system.client.enqueue({ type, input, project: SYSTEM_PROJECT });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 30_000);
    expect(done.error).toBeUndefined();
    return done.result as T;
  };
  /** Collects the SystemEvents published on events.system.<kind> from now on. */
  const listen = (kind: string) => {
    const seen: SystemEvent[] = [];
    system.ctx.nc.subscribe(systemEventSubject(kind), { callback: (_err, m) => seen.push(SystemEvent.parse(m.json())) });
    return seen;
  };
  /** An artifact written straight to the object store, as if it had been stored `ageHours` ago. */
  const putArtifact = async (name: string, bytes: number, ageHours: number) => {
    const store = await system.ctx.objm.open(ARTIFACTS_BUCKET);
    const id = `${name}-0000-0000`;
    const createdAt = new Date(Date.now() - ageHours * HOUR).toISOString();
    await store.putBlob(
      { name: id, metadata: { name, contentType: 'application/octet-stream', project: 'default', createdAt } },
      new Uint8Array(bytes),
    );
    return id;
  };

  beforeAll(async () => {
    system = await startTestSystem();
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        webhookBodies.push(SystemEvent.parse(JSON.parse(body)));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    const port = (webhook.address() as AddressInfo).port;
    await startScheduler(system, { ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/alerts` });
  });
  afterAll(async () => {
    webhook.close();
    await system.close();
  });

  it('cleanup deletes artifacts older than the age limit and keeps newer ones', async () => {
    const old = await putArtifact('old', 1_000, 48);
    const fresh = await system.artifacts.putStream(Readable.from([Buffer.alloc(500)]), {
      name: 'fresh.bin',
      contentType: 'application/octet-stream',
      project: 'default',
    });
    const result = await run<CleanupOutput>('system.cleanup', { maxAgeHours: 24 });
    expect(result.deleted).toEqual([old]);
    expect(result.deletedBytes).toBe(1_000);
    expect(await system.artifacts.info(old)).toBeUndefined();
    expect(await system.artifacts.info(fresh.id)).toMatchObject({ id: fresh.id, size: 500 });
    await system.artifacts.delete(fresh.id);
  });

  it('cleanup past the size limit deletes the oldest artifacts first until the store fits', async () => {
    const oldest = await putArtifact('oldest', 400, 3);
    const middle = await putArtifact('middle', 400, 2);
    const newest = await putArtifact('newest', 400, 1);
    const result = await run<CleanupOutput>('system.cleanup', { maxAgeHours: 24, maxTotalBytes: 900 });
    expect(result.deleted).toEqual([oldest]);
    expect(result.remainingBytes).toBe(800);
    expect(await system.artifacts.info(middle)).toBeDefined();
    expect(await system.artifacts.info(newest)).toBeDefined();
  });

  it('a failure rate above the threshold raises an alert event and calls the webhook', async () => {
    const alerts = listen('failure-rate');
    const summaries = listen('dlq-summary');
    const failing = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() => system.client.enqueue({ type: 'system.sleep', input: { ms: 0, failAttempts: 1 }, maxAttempts: 1 })),
    );
    const ok = await system.client.enqueue({ type: 'system.noop' });
    for (const { job } of failing) await system.waitForStatus(job.id, ['failed'], 20_000);
    await system.waitForStatus(ok.job.id, ['succeeded'], 20_000);

    const result = await run<DlqSummaryOutput>('system.dlq-summary', { windowMinutes: 10, threshold: 0.4, minJobs: 2 });
    expect(result.failed).toBeGreaterThanOrEqual(6);
    expect(result.failureRate).toBeGreaterThan(0.4);
    expect(result.alerted).toBe(true);
    expect(result.deadLetters.system).toBeGreaterThanOrEqual(6);
    await waitUntil(() => alerts.length > 0 && summaries.length > 0, { timeoutMs: 5_000, what: 'the alert and summary events' });
    expect(alerts[0]).toMatchObject({ kind: 'failure-rate', data: { alerted: true } });
    expect(alerts[0]?.message).toMatch(/failure rate .* is above 40\.0%/);
    await waitUntil(() => webhookBodies.some((e) => e.kind === 'failure-rate'), { timeoutMs: 5_000, what: 'the webhook call' });
  });

  it('a failure rate under the threshold publishes the summary without an alert', async () => {
    const alerts = listen('failure-rate');
    const result = await run<DlqSummaryOutput>('system.dlq-summary', { windowMinutes: 10, threshold: 0.99, minJobs: 1 });
    expect(result.alerted).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(alerts).toEqual([]);
  });

  it('the health check reports a worker whose heartbeat went stale', async () => {
    const events = listen('worker-stale');
    const stale: WorkerHeartbeat = {
      id: 'media-stuck-1',
      service: 'render-gpu',
      host: 'test',
      pid: 1,
      queues: ['media'],
      concurrency: 1,
      running: [],
      startedAt: new Date(Date.now() - HOUR).toISOString(),
      at: new Date(Date.now() - 60_000).toISOString(),
      cpuLoad1: 0,
      memoryRssBytes: 0,
      memoryFreeBytes: 0,
      gpus: [],
    };
    await system.buckets.workers.put(stale.id, JSON.stringify(stale));
    const result = await run<HealthCheckOutput>('system.health-check', { staleAfterMs: 10_000 });
    // The scheduler's own worker beats every few seconds and is not stale.
    expect(result.workers).toBeGreaterThanOrEqual(2);
    expect(result.stale.map((s) => s.id)).toEqual(['media-stuck-1']);
    await waitUntil(() => events.length > 0, { timeoutMs: 5_000, what: 'the worker-stale event' });
    expect(events[0]?.data).toMatchObject({ stale: [{ id: 'media-stuck-1', service: 'render-gpu' }] });
  });
});
