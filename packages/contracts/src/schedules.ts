import { z } from 'zod';
import { JobTimeoutMs } from './envelope.js';
import { Priority } from './priority.js';

/**
 * Periodic schedules, as stored in KV `schedules` (one entry per schedule, keyed by id).
 * The scheduler's leader fires them; the gateway creates, pauses, resumes and deletes
 * them. Pure: the cron check here is structural (fields, ranges, names) so the gateway
 * and the SDK can reject a bad expression without a cron library; the scheduler parses
 * it again with croner.
 */

/** What happens to a tick while the previous tick's job has not finished. */
export const OverlapPolicy = { skip: 'skip', allow: 'allow', bufferOne: 'buffer-one' } as const;
export type OverlapPolicy = (typeof OverlapPolicy)[keyof typeof OverlapPolicy];
export const OVERLAP_POLICIES = Object.values(OverlapPolicy) as [OverlapPolicy, ...OverlapPolicy[]];

/** Ids end up in KV keys and idempotency keys: keep them to safe characters. */
export const SCHEDULE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Built-in upkeep schedules carry this prefix; users cannot create or delete them. */
export const BUILT_IN_SCHEDULE_PREFIX = 'builtin-';

const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Offset of names[0] (JAN = 1, SUN = 0). */
  nameBase?: number;
  extra?: RegExp;
}
const SECOND: CronField = { name: 'second', min: 0, max: 59 };
const FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  // L (last day), LW (last weekday), 15W (weekday nearest the 15th)
  { name: 'day of month', min: 1, max: 31, extra: /^(L|LW|([1-9]|[12]\d|3[01])W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  // 5L (last Friday), 5#3 (third Friday); 7 is Sunday too
  { name: 'day of week', min: 0, max: 7, names: DAYS, nameBase: 0, extra: /^([0-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5])$/ },
];

function fieldValue(field: CronField, raw: string): number | undefined {
  if (/^\d+$/.test(raw)) return Number(raw);
  const i = field.names?.indexOf(raw) ?? -1;
  return i >= 0 ? i + (field.nameBase ?? 0) : undefined;
}

function checkField(field: CronField, raw: string): string | undefined {
  for (const part of raw.toUpperCase().split(',')) {
    if (field.extra?.test(part)) continue;
    const [base = '', step, ...rest] = part.split('/');
    if (rest.length > 0) return `${field.name}: "${part}" has more than one "/"`;
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `${field.name}: step "${step}" must be a positive integer`;
    if (base === '*' || base === '?') continue;
    const bounds = base.split('-');
    if (bounds.length > 2) return `${field.name}: "${part}" is not a value or range`;
    if (step !== undefined && bounds.length !== 2) return `${field.name}: a step needs * or a range before it ("${part}")`;
    const values = bounds.map((b) => fieldValue(field, b));
    for (const [i, v] of values.entries()) {
      if (v === undefined || v < field.min || v > field.max) {
        return `${field.name}: "${bounds[i]}" is outside ${field.min}-${field.max}`;
      }
    }
    const [from = 0, to = from] = values as number[];
    if (from > to) return `${field.name}: range "${base}" runs backwards`;
  }
  return undefined;
}

/** Why a cron expression is not valid, or undefined when it is (5 fields, or 6 with seconds first). */
export function cronProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (NICKNAMES.includes(trimmed.toLowerCase())) return undefined;
  const parts = trimmed.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return `expected 5 fields (or 6 with seconds), got ${parts.length}`;
  const fields = parts.length === 6 ? [SECOND, ...FIELDS] : FIELDS;
  for (const [i, field] of fields.entries()) {
    const problem = checkField(field, parts[i] ?? '');
    if (problem) return problem;
  }
  return undefined;
}

/** Whether `zone` is an IANA time zone this runtime knows (Intl is pure, so browsers agree). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const CronExpression = z
  .string()
  .min(1)
  .max(200)
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `invalid cron expression: ${problem}` });
  });

export const TimeZone = z.string().max(64).refine(isTimeZone, { message: 'not an IANA time zone (e.g. Europe/Oslo, UTC)' });

/** When a schedule fires: a cron expression read in a time zone, or every N ms. */
export const ScheduleSpec = z.union([
  z.object({ cron: CronExpression, timezone: TimeZone.default('UTC') }).strict(),
  z
    .object({
      /** Ticks fall on createdAt + k·everyMs, so every replica computes the same ticks. */
      everyMs: z
        .number()
        .int()
        .min(1_000)
        .max(366 * 24 * 3_600_000),
    })
    .strict(),
]);
export type ScheduleSpec = z.infer<typeof ScheduleSpec>;

/** The job each tick enqueues; its input is checked against the task's contract on create. */
export const ScheduledJob = z
  .object({
    type: z.string().min(1).max(100),
    input: z.unknown().optional(),
    priority: Priority.optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    /** Capped like a job's own limit (a week), far below setTimeout's 2^31-1 ms. */
    timeoutMs: JobTimeoutMs.optional(),
    labels: z.record(z.string().max(64), z.string().max(256)).optional(),
  })
  .strict();
export type ScheduledJob = z.infer<typeof ScheduledJob>;

/** What the scheduler has done with a schedule; written by the leader only. */
export const ScheduleState = z.object({
  /** The last tick handled (fired, skipped or buffered): the next tick comes after it. */
  lastTickAt: z.string().optional(),
  lastFiredAt: z.string().optional(),
  lastJobId: z.string().optional(),
  /** buffer-one: the tick waiting for the running job to finish. */
  bufferedTickAt: z.string().optional(),
  nextTickAt: z.string().optional(),
  fired: z.number().int().nonnegative().default(0),
  skipped: z.number().int().nonnegative().default(0),
  lastError: z.string().optional(),
});
export type ScheduleState = z.infer<typeof ScheduleState>;

export const Schedule = z.object({
  id: z.string().regex(SCHEDULE_ID_PATTERN),
  name: z.string().max(200).optional(),
  project: z.string(),
  spec: ScheduleSpec,
  job: ScheduledJob,
  overlap: z.enum(OVERLAP_POLICIES),
  paused: z.boolean(),
  builtIn: z.boolean().default(false),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Ticks at or before this are never fired (set on resume, so a pause does not catch up). */
  resumedAt: z.string().optional(),
  state: ScheduleState,
});
export type Schedule = z.infer<typeof Schedule>;

/** Labels every scheduled job carries, so its schedule and tick can be found. */
export const ScheduleLabel = { scheduleId: 'reelay.schedule', tickAt: 'reelay.tick' } as const;

/** The idempotency key of one tick's job: two replicas firing the same tick make one job. */
export function tickIdempotencyKey(scheduleId: string, tickAt: string): string {
  return `${scheduleId}:${tickAt}`;
}

/** What one firing of a schedule submits: its job, in its project, labelled with its id. */
export interface ScheduledJobRequest {
  type: string;
  input: unknown;
  project: string;
  labels: Record<string, string>;
  priority?: number;
  maxAttempts?: number;
  timeoutMs?: number;
}

/**
 * The job a schedule submits — the scheduler's ticks (with `tickAt`, which also labels
 * the job `reelay.tick`) and the gateway's trigger (without). One owner, so a manual run
 * and a tick cannot drift apart.
 */
export function scheduledJobRequest(schedule: Schedule, tickAt?: string): ScheduledJobRequest {
  const { job } = schedule;
  const labels: Record<string, string> = { ...job.labels, [ScheduleLabel.scheduleId]: schedule.id };
  if (tickAt !== undefined) labels[ScheduleLabel.tickAt] = tickAt;
  return {
    type: job.type,
    input: job.input,
    project: schedule.project,
    labels,
    ...(job.priority !== undefined ? { priority: job.priority } : {}),
    ...(job.maxAttempts !== undefined ? { maxAttempts: job.maxAttempts } : {}),
    ...(job.timeoutMs !== undefined ? { timeoutMs: job.timeoutMs } : {}),
  };
}
