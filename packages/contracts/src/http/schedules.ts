import { z } from 'zod';
import { ProjectName } from '../project.js';
import { JobRecord } from '../job-record.js';
import { OVERLAP_POLICIES, SCHEDULE_ID_PATTERN, Schedule, ScheduledJob, ScheduleSpec } from '../schedules.js';
import { SubmitJobResponse } from './jobs.js';

/** POST /v1/schedules — `cron` (+ `timezone`) or `everyMs`, and the job each tick enqueues. */
export const CreateScheduleBody = z
  .object({
    /** Omitted: one is generated. */
    id: z.string().regex(SCHEDULE_ID_PATTERN, 'lower-case letters, digits and -, at most 63').optional(),
    name: z.string().max(200).optional(),
    project: ProjectName.optional(),
    spec: ScheduleSpec,
    job: ScheduledJob,
    overlap: z.enum(OVERLAP_POLICIES).default('skip'),
    paused: z.boolean().default(false),
  })
  .strict();
export type CreateScheduleBody = z.infer<typeof CreateScheduleBody>;

export const ScheduleView = Schedule;
export type ScheduleView = z.infer<typeof ScheduleView>;

export const ScheduleIdParams = z.object({ id: z.string().regex(SCHEDULE_ID_PATTERN, 'not a schedule id') });

/**
 * POST /v1/schedules/:id/trigger — the schedule's job, submitted once now to the
 * schedule's project with its `reelay.schedule` label (and no `reelay.tick`). Not a tick:
 * the schedule's state and overlap policy do not see it, and a paused schedule can be
 * triggered too. An `Idempotency-Key` header makes a repeated trigger one job, as on
 * POST /v1/jobs (202 for a new job, 200 for the earlier one).
 */
export const TriggerScheduleHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough();
export const TriggerScheduleResponse = SubmitJobResponse.extend({
  /** The schedule the job came from. */
  scheduleId: z.string(),
  /** The schedule's project, which the job belongs to. */
  project: z.string(),
});
export type TriggerScheduleResponse = z.infer<typeof TriggerScheduleResponse>;

export const ScheduleListQuery = z.object({ project: z.string().optional() });
export const ScheduleListResponse = z.object({ items: z.array(ScheduleView) });
export type ScheduleListResponse = z.infer<typeof ScheduleListResponse>;

/** GET /v1/jobs/delayed — jobs waiting for their runAt, soonest first. */
export const DelayedJobsQuery = z.object({
  project: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const DelayedJobView = JobRecord.extend({ status: z.literal('scheduled'), runAt: z.string() });
export type DelayedJobView = z.infer<typeof DelayedJobView>;
export const DelayedJobsResponse = z.object({ items: z.array(DelayedJobView) });
export type DelayedJobsResponse = z.infer<typeof DelayedJobsResponse>;
