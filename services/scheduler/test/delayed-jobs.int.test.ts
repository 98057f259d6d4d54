import { DELAYED_STREAM } from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler } from './scheduler-fixture.js';

describe('delayed jobs', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());
  // Each test starts its own schedulers: none may outlive its test and release another's jobs.
  afterEach(async () => {
    await Promise.all(system.processes.map((p) => p.kill('SIGKILL')));
  });

  it('a delayed job waits for its runAt, then runs and succeeds', async () => {
    const scheduler = await startScheduler(system);
    const runAt = new Date(Date.now() + 2_500);
    const { job } = await system.client.enqueue({ type: 'system.noop', runAt });
    expect(job.status).toBe('scheduled');
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 30_000);
    expect(done.status).toBe('succeeded');
    expect(Date.parse(done.startedAt ?? '')).toBeGreaterThanOrEqual(runAt.getTime());
    expect(scheduler.output()).toMatch(new RegExp(`"job_id":"${job.id}".*delayed job released`));
  });

  it('a delayed job survives a scheduler restart and still runs, not before its runAt', async () => {
    const first = await startScheduler(system);
    const runAt = new Date(Date.now() + 4_000);
    const { job } = await system.client.enqueue({ type: 'system.sleep', input: { ms: 10, steps: 1 }, runAt });
    // Let the first scheduler take the job and nak it for later, then kill it without warning.
    await new Promise((r) => setTimeout(r, 1_000));
    await first.kill('SIGKILL');
    expect((await system.client.get(job.id))?.status).toBe('scheduled');
    const second = await startScheduler(system);
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 40_000);
    expect(done.status).toBe('succeeded');
    expect(Date.parse(done.startedAt ?? '')).toBeGreaterThanOrEqual(runAt.getTime());
    expect(second.output()).toMatch(new RegExp(`"job_id":"${job.id}".*delayed job released`));
  });

  it('a delayed job cancelled before its runAt never runs, and its message is dropped', async () => {
    const scheduler = await startScheduler(system);
    const runAt = new Date(Date.now() + 2_000);
    const { job: cancelled } = await system.client.enqueue({ type: 'system.noop', runAt });
    const { job: control } = await system.client.enqueue({ type: 'system.noop', runAt });
    await system.client.cancel(cancelled.id);
    await system.waitForStatus(control.id, ['succeeded'], 30_000);
    await waitUntil(async () => (await system.ctx.jsm.streams.info(DELAYED_STREAM)).state.messages === 0, {
      timeoutMs: 20_000,
      what: 'DELAYED to be empty',
    });
    const after = await system.client.get(cancelled.id);
    expect(after?.status).toBe('cancelled');
    expect(after?.attempts).toBe(0);
    expect(after?.startedAt).toBeUndefined();
    expect(scheduler.output()).toMatch(new RegExp(`"job_id":"${cancelled.id}".*not released: no longer scheduled`));
  });
});
