import { randomUUID } from 'node:crypto';
import {
  BUILT_IN_SCHEDULE_PREFIX,
  CreateScheduleBody,
  Schedule,
  ScheduleIdParams,
  ScheduleListQuery,
  ScheduleListResponse,
  ScheduleView,
  scheduledJobRequest,
  TriggerScheduleHeaders,
  TriggerScheduleResponse,
} from '@reelay/contracts';
import { type Buckets, uniqueKeys } from '@reelay/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { canAccessProject, type Principal } from '../auth/api-keys.js';
import { assertMaySubmit, assertVisible, projectFor } from '../auth/auth-plugin.js';
import { HttpError } from '../http/http-error.js';
import { rememberJobs } from '../jobs/job-store-wiring.js';

type KV = Buckets['schedules'];

/**
 * Periodic schedules in KV `schedules`. The gateway writes definitions and the pause
 * flag; the scheduler's leader fires them and writes their `state`. Every change here is
 * a revision-checked update, so it never overwrites a state write (or vice versa).
 * A trigger submits the schedule's job itself and writes nothing to the schedule.
 */
export const scheduleRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const kv = deps.buckets.schedules;

    app.get(
      '/v1/schedules',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['schedules'],
          operationId: 'listSchedules',
          summary: 'List schedules',
          querystring: ScheduleListQuery,
          response: { 200: ScheduleListResponse },
        },
      },
      async (req) => {
        const { project } = req.query;
        if (project) assertVisible(req.principal, project, `project ${project}`);
        const items: Schedule[] = [];
        for (const key of await uniqueKeys(kv)) {
          const found = await read(kv, key);
          if (!found || !canAccessProject(req.principal, found.schedule.project)) continue;
          if (project && found.schedule.project !== project) continue;
          items.push(found.schedule);
        }
        return { items: items.sort((a, b) => a.id.localeCompare(b.id)) };
      },
    );

    app.post(
      '/v1/schedules',
      {
        config: { scope: 'jobs:write' },
        schema: {
          tags: ['schedules'],
          operationId: 'createSchedule',
          summary: 'Create a schedule',
          body: CreateScheduleBody,
          response: { 201: ScheduleView },
        },
      },
      async (req, reply) => {
        const body = req.body;
        const id = body.id ?? `sch-${randomUUID()}`;
        if (id.startsWith(BUILT_IN_SCHEDULE_PREFIX)) {
          throw new HttpError('INVALID_INPUT', `schedule ids starting with "${BUILT_IN_SCHEDULE_PREFIX}" are reserved`);
        }
        await assertMaySubmit(deps.jobs, req.principal, [body.job.type]);
        // Each tick's job is validated again when enqueued; checking now turns a typo into a 400.
        await deps.jobs.validate(body.job.type, body.job.input);
        const now = new Date().toISOString();
        const schedule = Schedule.parse({
          id,
          ...(body.name !== undefined ? { name: body.name } : {}),
          project: projectFor(req.principal, body.project),
          spec: body.spec,
          job: body.job,
          overlap: body.overlap,
          paused: body.paused,
          builtIn: false,
          createdAt: now,
          updatedAt: now,
          state: {},
        });
        try {
          await kv.create(id, JSON.stringify(schedule));
        } catch {
          throw new HttpError('CONFLICT', `schedule ${id} already exists`);
        }
        return reply.code(201).send(schedule);
      },
    );

    app.get(
      '/v1/schedules/:id',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['schedules'],
          operationId: 'getSchedule',
          summary: 'Get a schedule',
          params: ScheduleIdParams,
          response: { 200: ScheduleView },
        },
      },
      async (req) => (await visible(kv, req.principal, req.params.id)).schedule,
    );

    app.delete(
      '/v1/schedules/:id',
      {
        config: { scope: 'jobs:write' },
        schema: { tags: ['schedules'], operationId: 'deleteSchedule', summary: 'Delete a schedule', params: ScheduleIdParams },
      },
      async (req, reply) => {
        const { schedule, revision } = await visible(kv, req.principal, req.params.id);
        if (schedule.builtIn) throw new HttpError('CONFLICT', `schedule ${schedule.id} is built in: pause it instead`);
        await kv.delete(schedule.id, { previousSeq: revision });
        return reply.code(204).send();
      },
    );

    app.post(
      '/v1/schedules/:id/trigger',
      {
        config: { scope: 'jobs:write' },
        schema: {
          tags: ['schedules'],
          operationId: 'triggerSchedule',
          summary: 'Submit the schedule’s job once, now',
          description:
            'Not a tick: the schedule’s state and overlap policy do not see the job, and a paused schedule can be triggered. The job carries the `reelay.schedule` label. An Idempotency-Key makes a repeated trigger one job (202 new, 200 the earlier one).',
          params: ScheduleIdParams,
          headers: TriggerScheduleHeaders,
          response: { 200: TriggerScheduleResponse, 202: TriggerScheduleResponse },
        },
      },
      async (req, reply) => {
        const { schedule } = await visible(kv, req.principal, req.params.id);
        // The key pulls the trigger, so it needs the rights a submit of that type needs.
        await assertMaySubmit(deps.jobs, req.principal, [schedule.job.type]);
        const key = req.headers['idempotency-key'];
        const { job, created } = await deps.jobs.enqueue({
          ...scheduledJobRequest(schedule),
          ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
        });
        await rememberJobs(deps.store, req.log, [job]);
        return reply.code(created ? 202 : 200).send({
          id: job.id,
          status: job.status,
          queue: job.queue,
          priority: job.priority,
          scheduleId: schedule.id,
          project: job.project,
        });
      },
    );

    for (const action of ['pause', 'resume'] as const) {
      app.post(
        `/v1/schedules/:id/${action}`,
        {
          config: { scope: 'jobs:write' },
          schema: {
            tags: ['schedules'],
            operationId: `${action}Schedule`,
            summary: action === 'pause' ? 'Stop firing a schedule' : 'Fire a paused schedule again (missed ticks are not caught up)',
            params: ScheduleIdParams,
            response: { 200: ScheduleView },
          },
        },
        async (req) => {
          for (let attempt = 0; attempt < 5; attempt++) {
            const { schedule, revision } = await visible(kv, req.principal, req.params.id);
            const now = new Date().toISOString();
            const next: Schedule =
              action === 'pause'
                ? { ...schedule, paused: true, updatedAt: now }
                : { ...schedule, paused: false, resumedAt: now, updatedAt: now };
            if (schedule.paused === next.paused) return schedule;
            try {
              await kv.update(schedule.id, JSON.stringify(next), revision);
              return next;
            } catch {
              // The leader wrote the schedule's state meanwhile: read again and retry.
            }
          }
          throw new HttpError('CONFLICT', `schedule ${req.params.id} kept changing; try again`);
        },
      );
    }
  };

async function read(kv: KV, id: string): Promise<{ schedule: Schedule; revision: number } | undefined> {
  const entry = await kv.get(id);
  if (entry?.operation !== 'PUT') return undefined;
  const parsed = Schedule.safeParse(entry.json());
  return parsed.success ? { schedule: parsed.data, revision: entry.revision } : undefined;
}

async function visible(kv: KV, principal: Principal, id: string): Promise<{ schedule: Schedule; revision: number }> {
  const found = await read(kv, id);
  if (!found) throw new HttpError('NOT_FOUND', `schedule ${id} not found`);
  assertVisible(principal, found.schedule.project, `schedule ${id}`);
  return found;
}
