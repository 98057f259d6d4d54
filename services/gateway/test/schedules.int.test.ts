/**
 * POST /v1/schedules/:id/trigger against the real gateway and scheduler processes and
 * real NATS: the schedule's job submitted now, bounded to the key's projects, audited.
 */
import { type AuditListResponse, type JobRecord, type ScheduleView, TriggerScheduleResponse } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA_KEY, BETA_READER_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';
import { waitDone } from './stream-clients.js';

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

describe('triggering a schedule now', () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGateway();
  });
  afterAll(() => g?.close());

  const create = async (body: Record<string, unknown>, key?: string) => {
    const res = await g.call('/v1/schedules', { method: 'POST', json: body, ...(key ? { key } : {}) });
    expect(res.status).toBe(201);
  };
  const trigger = (id: string, key?: string, headers?: Record<string, string>) =>
    g.call(`/v1/schedules/${id}/trigger`, { method: 'POST', ...(key ? { key } : {}), ...(headers ? { headers } : {}) });
  const jobsOf = async (scheduleId: string): Promise<string[]> =>
    (await json<{ items: JobRecord[] }>(await g.call(`/v1/jobs?label=reelay.schedule:${scheduleId}`))).items.map((j) => j.id);

  it('submits the schedule’s job in its project with its label, audited as schedule.trigger, without touching the schedule’s state', async () => {
    await create(
      {
        id: 'gw-nightly',
        project: 'alpha',
        spec: { cron: '0 3 * * *', timezone: 'UTC' },
        job: { type: 'system.sleep', input: { ms: 1 }, labels: { suite: 'gw' } },
        paused: true,
      },
      ALPHA_KEY,
    );
    const res = await trigger('gw-nightly', ALPHA_KEY);
    expect(res.status).toBe(202);
    const answer = TriggerScheduleResponse.parse(await res.json());
    expect(answer).toMatchObject({ scheduleId: 'gw-nightly', project: 'alpha', queue: 'system' });
    // In the store before the answer: the list by the schedule's label has it at once.
    expect(await jobsOf('gw-nightly')).toEqual([answer.id]);
    const job = await waitDone(g, answer.id);
    expect(job).toMatchObject({
      status: 'succeeded',
      project: 'alpha',
      type: 'system.sleep',
      input: { ms: 1 },
      labels: { suite: 'gw', 'reelay.schedule': 'gw-nightly' },
    });
    expect(job.labels?.['reelay.tick']).toBeUndefined();
    const schedule = await json<ScheduleView>(await g.call('/v1/schedules/gw-nightly', { key: ALPHA_KEY }));
    expect(schedule).toMatchObject({ paused: true, state: { fired: 0 } });
    expect(schedule.state.lastJobId).toBeUndefined();

    // One Idempotency-Key, one job: the repeat answers 200 with the first job.
    const keyed = await trigger('gw-nightly', ALPHA_KEY, { 'idempotency-key': 'gw-manual-1' });
    expect(keyed.status).toBe(202);
    const keyedId = TriggerScheduleResponse.parse(await keyed.json()).id;
    const repeat = await trigger('gw-nightly', ALPHA_KEY, { 'idempotency-key': 'gw-manual-1' });
    expect(repeat.status).toBe(200);
    expect(TriggerScheduleResponse.parse(await repeat.json()).id).toBe(keyedId);
    expect((await jobsOf('gw-nightly')).sort()).toEqual([answer.id, keyedId].sort());

    // Written before each answer: all three are there now.
    const audited = await json<AuditListResponse>(await g.call('/v1/audit?action=schedule.trigger&target=gw-nightly'));
    expect(audited.items).toHaveLength(3);
    expect(audited.items[0]).toMatchObject({
      action: 'schedule.trigger',
      outcome: 'ok',
      status: 202,
      key: { name: 'alpha' },
      project: 'alpha',
      target: 'gw-nightly',
      method: 'POST',
      route: '/v1/schedules/:id/trigger',
    });
  });

  it('another project’s schedule is 404 and submits nothing; a read-only key is refused; a maintenance job needs admin', async () => {
    await create({ id: 'gw-beta', project: 'beta', spec: { everyMs: 3_600_000 }, job: { type: 'system.noop' }, paused: true });
    const hidden = await trigger('gw-beta', ALPHA_KEY);
    expect(hidden.status).toBe(404);
    expect((await json<{ error: { code: string } }>(hidden)).error.code).toBe('NOT_FOUND');
    // Its own project, but a key that may only read.
    expect((await trigger('gw-beta', BETA_READER_KEY)).status).toBe(403);
    expect((await trigger('gw-no-such', ALPHA_KEY)).status).toBe(404);
    expect((await trigger('Not_An_Id', ALPHA_KEY)).status).toBe(400);
    // Refusals are answered before anything is queued; the store holds what was.
    expect(await jobsOf('gw-beta')).toEqual([]);

    // An admin may put upkeep on a project's schedule; that project's own key still may not run it.
    await create({
      id: 'gw-upkeep',
      project: 'alpha',
      spec: { everyMs: 3_600_000 },
      job: { type: 'system.health-check', input: { staleAfterMs: 60_000 } },
      paused: true,
    });
    const forbidden = await trigger('gw-upkeep', ALPHA_KEY);
    expect(forbidden.status).toBe(403);
    expect((await json<{ error: { code: string } }>(forbidden)).error.code).toBe('FORBIDDEN');
    expect(await jobsOf('gw-upkeep')).toEqual([]);
    expect((await trigger('gw-upkeep')).status).toBe(202);

    const denied = await json<AuditListResponse>(await g.call('/v1/audit?action=schedule.trigger&outcome=denied'));
    expect(denied.items.find((r) => r.target === 'gw-upkeep')).toMatchObject({ key: { name: 'alpha' }, errorCode: 'FORBIDDEN' });
  });
});
