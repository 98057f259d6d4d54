import { type Schedule, ScheduleLabel } from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobsOfSchedule, startScheduler, tickOf } from './scheduler-fixture.js';

const EVERY_MS = 2_000;

describe('scheduler leader election', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  it('when the leader is killed another replica takes over and each tick fires exactly once', async () => {
    const a = await startScheduler(system);
    await a.waitFor(/became scheduler leader/, 10_000);
    const b = await startScheduler(system);
    const now = new Date().toISOString();
    const schedule: Schedule = {
      id: 'failover-every-2s',
      project: 'default',
      spec: { everyMs: EVERY_MS },
      job: { type: 'system.noop', input: {} },
      overlap: 'allow',
      paused: false,
      builtIn: false,
      createdAt: now,
      updatedAt: now,
      state: { fired: 0, skipped: 0 },
    };
    await system.buckets.schedules.create(schedule.id, JSON.stringify(schedule));
    await waitUntil(async () => (await jobsOfSchedule(system, schedule.id)).length >= 3, { timeoutMs: 20_000, what: '3 ticks' });
    expect(b.output()).not.toMatch(/became scheduler leader/);

    await a.kill('SIGKILL');
    const killedAt = Date.now();
    await b.waitFor(/became scheduler leader/, 20_000);
    // The lease (TTL 10 s) must lapse before B can take it.
    expect(Date.now() - killedAt).toBeLessThan(16_000);
    const beforeTakeover = (await jobsOfSchedule(system, schedule.id)).length;
    await waitUntil(async () => (await jobsOfSchedule(system, schedule.id)).length >= beforeTakeover + 3, {
      timeoutMs: 20_000,
      what: '3 more ticks after the takeover',
    });

    const jobs = await jobsOfSchedule(system, schedule.id);
    const ticks = jobs.map(tickOf);
    // One job per tick overall...
    expect(new Set(ticks).size).toBe(jobs.length);
    // ...and no tick lost across the failover: the new leader caught up on the gap.
    const times = ticks.map((t) => Date.parse(t));
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBe(EVERY_MS);
    for (const job of jobs) {
      expect(job.idempotencyKey).toBe(`${schedule.id}:${tickOf(job)}`);
      expect(job.labels?.[ScheduleLabel.scheduleId]).toBe(schedule.id);
    }
  });
});
