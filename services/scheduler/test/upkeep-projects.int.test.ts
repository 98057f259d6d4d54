import {
  ARTIFACTS_BUCKET,
  type CleanupOutput,
  type DlqSummaryOutput,
  EVENTS_STREAM,
  type JobRecord,
  systemEventSubject,
  UpkeepEventKind,
} from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PROJECT } from '../src/schedules/built-in-schedules.js';
import { startScheduler } from './scheduler-fixture.js';

const HOUR = 3_600_000;

/** Upkeep jobs are bounded by their project like any job; only the system project's act on every project. */
describe('upkeep tasks and projects', () => {
  let system: TestSystem;

  const run = async <T>(type: string, input: unknown, project: string): Promise<T> => {
    const { job } = await system.client.enqueue({ type, input, project });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 30_000);
    expect(done.error).toBeUndefined();
    return done.result as T;
  };
  /** An artifact of `project` written straight to the object store, as if stored `ageHours` ago. */
  const putArtifact = async (name: string, project: string, ageHours: number) => {
    const store = await system.ctx.objm.open(ARTIFACTS_BUCKET);
    const id = `${name}-0000-0000`;
    const createdAt = new Date(Date.now() - ageHours * HOUR).toISOString();
    await store.putBlob({ name: id, metadata: { name, contentType: 'application/octet-stream', project, createdAt } }, new Uint8Array(100));
    return id;
  };
  const systemEventsStored = async (kind: string) =>
    (await system.ctx.jsm.streams.info(EVENTS_STREAM, { subjects_filter: systemEventSubject(kind) })).state.subjects?.[
      systemEventSubject(kind)
    ] ?? 0;

  beforeAll(async () => {
    system = await startTestSystem();
    await startScheduler(system);
  });
  afterAll(() => system.close());

  it("cleanup submitted under one project deletes only that project's artifacts", async () => {
    const alphaOld = await putArtifact('alpha-old', 'alpha', 48);
    const alphaNew = await putArtifact('alpha-new', 'alpha', 1);
    const betaOld = await putArtifact('beta-old', 'beta', 48);
    const betaHuge = await putArtifact('beta-huge', 'beta', 2);

    // maxTotalBytes is alpha's budget: beta's bytes neither count against it nor pay for it.
    const result = await run<CleanupOutput>('system.cleanup', { maxAgeHours: 24, maxTotalBytes: 150 }, 'alpha');
    expect(result).toEqual({ deleted: [alphaOld], deletedBytes: 100, remaining: 1, remainingBytes: 100 });
    expect(await system.artifacts.info(alphaOld)).toBeUndefined();
    for (const id of [alphaNew, betaOld, betaHuge]) expect(await system.artifacts.info(id), id).toBeDefined();
  });

  it('cleanup submitted under the system project, as the built-in schedule does, sweeps every project', async () => {
    const gammaOld = await putArtifact('gamma-old', 'gamma', 48);
    const result = await run<CleanupOutput>('system.cleanup', { maxAgeHours: 24 }, SYSTEM_PROJECT);
    expect(result.deleted).toEqual(expect.arrayContaining(['beta-old-0000-0000', gammaOld]));
    expect(await system.artifacts.info('beta-old-0000-0000')).toBeUndefined();
    expect(await system.artifacts.info(gammaOld)).toBeUndefined();
    expect(await system.artifacts.info('alpha-new-0000-0000')).toBeDefined();
  });

  it("dlq-summary submitted under one project counts that project's jobs and dead letters alone, and raises no system alert", async () => {
    const enqueue = (project: string, input: unknown) => system.client.enqueue({ type: 'system.sleep', input, project, maxAttempts: 1 });
    const jobs = await Promise.all([
      enqueue('delta', { ms: 0, failAttempts: 1 }),
      enqueue('delta', { ms: 0, failAttempts: 1 }),
      enqueue('delta', { ms: 0 }),
      enqueue('epsilon', { ms: 0, failAttempts: 1 }),
      enqueue('epsilon', { ms: 0, failAttempts: 1 }),
      enqueue('epsilon', { ms: 0, failAttempts: 1 }),
    ]);
    const finished: JobRecord[] = [];
    for (const { job } of jobs) finished.push(await system.waitForStatus(job.id, ['succeeded', 'failed'], 20_000));
    const failed = finished.filter((j) => j.status === 'failed');
    expect(failed).toHaveLength(5);
    for (const job of failed) await waitUntil(() => system.client.getDeadLetter(job.id), { what: `the dead letter of ${job.id}` });

    const summaries = await systemEventsStored(UpkeepEventKind.dlqSummary);
    const alerts = await systemEventsStored(UpkeepEventKind.failureRate);
    const delta = await run<DlqSummaryOutput>('system.dlq-summary', { windowMinutes: 10, threshold: 0.1, minJobs: 1 }, 'delta');
    expect(delta).toMatchObject({ succeeded: 1, failed: 2, deadLetters: { system: 2 }, alerted: false });
    expect(delta.failureRate).toBeCloseTo(2 / 3);
    // The system events are the operator's channel: a project's run publishes on neither.
    expect(await systemEventsStored(UpkeepEventKind.dlqSummary)).toBe(summaries);
    expect(await systemEventsStored(UpkeepEventKind.failureRate)).toBe(alerts);

    const everyone = await run<DlqSummaryOutput>('system.dlq-summary', { windowMinutes: 10, threshold: 0.1, minJobs: 1 }, SYSTEM_PROJECT);
    expect(everyone.failed).toBeGreaterThanOrEqual(5);
    expect(everyone.deadLetters.system).toBeGreaterThanOrEqual(5);
    expect(everyone.alerted).toBe(true);
    expect(await systemEventsStored(UpkeepEventKind.dlqSummary)).toBe(summaries + 1);
  });
});
