import type { DelayedJobsResponse, JobRecord, Schedule, ScheduleListResponse } from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayHandle, jobsOfSchedule, startGateway, startScheduler, tickOf } from './scheduler-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('periodic schedules through the gateway', () => {
  let system: TestSystem;
  let gateway: GatewayHandle;
  const create = async (body: unknown) => {
    const res = await gateway.call('/v1/schedules', { method: 'POST', json: body });
    return { res, body: (await res.json()) as Schedule & { error?: { code: string; message: string } } };
  };
  const countJobs = async (id: string) => (await jobsOfSchedule(system, id)).length;

  beforeAll(async () => {
    system = await startTestSystem();
    await startScheduler(system);
    gateway = await startGateway(system);
  });
  afterAll(() => system.close());

  it('an every-N schedule enqueues one job per tick, keyed by schedule and tick', async () => {
    const { res, body } = await create({ id: 'every-second', spec: { everyMs: 1_000 }, job: { type: 'system.noop' }, overlap: 'allow' });
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ id: 'every-second', project: 'default', paused: false, builtIn: false });
    await waitUntil(async () => (await countJobs('every-second')) >= 3, { timeoutMs: 20_000, what: '3 jobs' });
    const jobs = await jobsOfSchedule(system, 'every-second');
    const times = jobs.map((j) => Date.parse(tickOf(j)));
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBe(1_000);
    expect(jobs.every((j) => j.idempotencyKey === `every-second:${tickOf(j)}`)).toBe(true);
    await waitUntil(async () => (await system.client.get(jobs[0]?.id ?? ''))?.status === 'succeeded', { what: 'the first job to run' });
    const view = (await (await gateway.call('/v1/schedules/every-second')).json()) as Schedule;
    expect(view.state.fired).toBeGreaterThanOrEqual(3);
    expect(Date.parse(view.state.nextTickAt ?? '')).toBeGreaterThan(Date.parse(view.state.lastTickAt ?? ''));
    expect((await gateway.call('/v1/schedules/every-second', { method: 'DELETE' })).status).toBe(204);
    expect((await gateway.call('/v1/schedules/every-second')).status).toBe(404);
  });

  it('a cron schedule with seconds, read in a time zone, fires on its ticks', async () => {
    const { res } = await create({
      id: 'cron-every-2s',
      spec: { cron: '*/2 * * * * *', timezone: 'America/New_York' },
      job: { type: 'system.noop' },
      overlap: 'allow',
    });
    expect(res.status).toBe(201);
    await waitUntil(async () => (await countJobs('cron-every-2s')) >= 2, { timeoutMs: 20_000, what: '2 cron jobs' });
    for (const job of await jobsOfSchedule(system, 'cron-every-2s')) {
      const tick = new Date(tickOf(job));
      expect(tick.getUTCSeconds() % 2).toBe(0);
      expect(tick.getUTCMilliseconds()).toBe(0);
    }
    await gateway.call('/v1/schedules/cron-every-2s', { method: 'DELETE' });
  });

  it('with overlap "skip" a tick does not fire while the previous job is still running', async () => {
    await create({
      id: 'skip-overlap',
      spec: { everyMs: 1_000 },
      job: { type: 'system.sleep', input: { ms: 3_000, steps: 1 } },
      overlap: 'skip',
    });
    await waitUntil(async () => (await countJobs('skip-overlap')) >= 2, { timeoutMs: 30_000, what: '2 jobs' });
    await gateway.call('/v1/schedules/skip-overlap/pause', { method: 'POST' });
    const jobs = await jobsOfSchedule(system, 'skip-overlap');
    for (let i = 1; i < jobs.length; i++) {
      const previous = jobs[i - 1];
      const current = jobs[i];
      expect(previous?.finishedAt).toBeDefined();
      expect(Date.parse(current?.createdAt ?? '')).toBeGreaterThanOrEqual(Date.parse(previous?.finishedAt ?? ''));
    }
    const view = (await (await gateway.call('/v1/schedules/skip-overlap')).json()) as Schedule;
    expect(view.state.skipped).toBeGreaterThanOrEqual(2);
  });

  it('with overlap "buffer-one" the next tick waits for the running job and fires when it finishes', async () => {
    await create({
      id: 'buffer-one',
      spec: { everyMs: 1_000 },
      job: { type: 'system.sleep', input: { ms: 2_500, steps: 1 } },
      overlap: 'buffer-one',
    });
    await waitUntil(async () => (await countJobs('buffer-one')) >= 2, { timeoutMs: 30_000, what: '2 jobs' });
    await gateway.call('/v1/schedules/buffer-one/pause', { method: 'POST' });
    const [first, second] = await jobsOfSchedule(system, 'buffer-one');
    // The tick right after the first was kept, not dropped...
    expect(Date.parse(tickOf(second as JobRecord)) - Date.parse(tickOf(first as JobRecord))).toBe(1_000);
    // ...and fired only once the first job had finished, well after its own tick time.
    const finished = await system.waitForStatus(first?.id ?? '', ['succeeded'], 10_000);
    expect(Date.parse(second?.createdAt ?? '')).toBeGreaterThanOrEqual(Date.parse(finished.finishedAt ?? ''));
    const view = (await (await gateway.call('/v1/schedules/buffer-one')).json()) as Schedule;
    expect(view.state.skipped).toBeGreaterThanOrEqual(1);
  });

  it('pausing a schedule stops its ticks and resuming starts them again', async () => {
    await create({ id: 'pausable', spec: { everyMs: 1_000 }, job: { type: 'system.noop' }, overlap: 'allow' });
    await waitUntil(async () => (await countJobs('pausable')) >= 1, { timeoutMs: 20_000, what: 'a first job' });
    const paused = await gateway.call('/v1/schedules/pausable/pause', { method: 'POST' });
    expect(paused.status).toBe(200);
    expect(((await paused.json()) as Schedule).paused).toBe(true);
    // A pass that began before the pause may still finish one tick.
    await sleep(1_500);
    const whilePaused = await countJobs('pausable');
    await sleep(3_500);
    expect(await countJobs('pausable')).toBe(whilePaused);
    const resumed = await gateway.call('/v1/schedules/pausable/resume', { method: 'POST' });
    expect(((await resumed.json()) as Schedule).paused).toBe(false);
    await waitUntil(async () => (await countJobs('pausable')) >= whilePaused + 2, { timeoutMs: 20_000, what: 'jobs after resume' });
    // Ticks missed during the pause are not caught up: the first new tick comes after the resume.
    const resumedAt = Date.parse(((await (await gateway.call('/v1/schedules/pausable')).json()) as Schedule).resumedAt ?? '');
    const after = (await jobsOfSchedule(system, 'pausable')).slice(whilePaused);
    expect(Date.parse(tickOf(after[0] as JobRecord))).toBeGreaterThan(resumedAt);
  });

  it('lists the built-in upkeep schedules', async () => {
    const res = await gateway.call('/v1/schedules');
    const { items } = (await res.json()) as ScheduleListResponse;
    const builtIns = items.filter((s) => s.builtIn).map((s) => [s.id, s.job.type]);
    expect(builtIns).toEqual([
      ['builtin-cleanup', 'system.cleanup'],
      ['builtin-dlq-summary', 'system.dlq-summary'],
      ['builtin-health-check', 'system.health-check'],
    ]);
    expect((await gateway.call('/v1/schedules/builtin-cleanup', { method: 'DELETE' })).status).toBe(409);
  });

  it('refuses a bad cron expression, an unknown time zone and an invalid job input with 400', async () => {
    const badCron = await create({ spec: { cron: '61 * * * *' }, job: { type: 'system.noop' } });
    expect(badCron.res.status).toBe(400);
    expect(badCron.body.error?.message).toMatch(/minute/);
    const badZone = await create({ spec: { cron: '0 * * * *', timezone: 'Mars/Olympus' }, job: { type: 'system.noop' } });
    expect(badZone.res.status).toBe(400);
    expect(badZone.body.error?.message).toMatch(/time zone/);
    const badInput = await create({ spec: { everyMs: 5_000 }, job: { type: 'system.sleep', input: { ms: 'soon' } } });
    expect(badInput.res.status).toBe(400);
    expect(badInput.body.error?.code).toBe('INVALID_INPUT');
    const taken = await create({ id: 'builtin-mine', spec: { everyMs: 5_000 }, job: { type: 'system.noop' } });
    expect(taken.res.status).toBe(400);
  });

  it('lists delayed jobs soonest first, and a cancelled one drops out of the list', async () => {
    const later = await gateway.call('/v1/jobs', { method: 'POST', json: { type: 'system.noop', delayMs: 120_000 } });
    const sooner = await gateway.call('/v1/jobs', { method: 'POST', json: { type: 'system.noop', delayMs: 60_000 } });
    const laterId = ((await later.json()) as { id: string }).id;
    const soonerId = ((await sooner.json()) as { id: string }).id;
    const list = async () => ((await (await gateway.call('/v1/jobs/delayed?project=default')).json()) as DelayedJobsResponse).items;
    const items = await list();
    expect(items.map((j) => j.id)).toEqual([soonerId, laterId]);
    expect(items.every((j) => j.status === 'scheduled' && Date.parse(j.runAt) > Date.now())).toBe(true);
    expect((await gateway.call(`/v1/jobs/${soonerId}/cancel`, { method: 'POST' })).status).toBe(202);
    await waitUntil(async () => (await list()).length === 1, { timeoutMs: 5_000, what: 'the cancelled job to leave the list' });
    expect((await list())[0]?.id).toBe(laterId);
  });
});
