import { readFile } from 'node:fs/promises';
import { OVERLAP_POLICIES, type OverlapPolicy, type ScheduleView } from '@reelay/contracts';
import { type Command, Option } from 'commander';
import type { CreateScheduleOptions } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { renderKeyValues, renderTable } from '../format/table.js';
import { formatDuration } from '../format/units.js';
import { integerIn, jsonValue } from '../option-parsers.js';
import { UsageError } from '../usage-error.js';

interface CreateFlags {
  file?: string;
  cron?: string;
  timezone?: string;
  every?: number;
  type?: string;
  input?: unknown;
  id?: string;
  name?: string;
  project?: string;
  priority?: number;
  maxAttempts?: number;
  overlap?: OverlapPolicy;
  paused?: boolean;
}

/**
 * `schedules ls | show | create | pause | resume | trigger | rm`: periodic jobs on the
 * gateway's /v1/schedules. `create` takes the body from flags or from a JSON file.
 */
export function registerSchedules(program: Command, ctx: CliContext): void {
  const schedules = program
    .command('schedules')
    .alias('schedule')
    .description('periodic jobs: create, list, pause, resume, trigger, remove');

  schedules
    .command('ls')
    .description('list schedules, by id')
    .option('--project <name>', 'only this project')
    .action(async (flags: { project?: string }) => {
      const items = await ctx.client().listSchedules(flags);
      ctx.out().result(
        { items },
        () => (items.length > 0 ? scheduleTable(items) : 'no schedules'),
        () => items.map((s) => s.id),
      );
    });

  schedules
    .command('show')
    .description('one schedule: its spec, job and what the scheduler did with it')
    .argument('<id>', 'schedule id')
    .action(async (id: string) => {
      const schedule = await ctx.client().getSchedule(id);
      ctx.out().result(
        schedule,
        () => scheduleDetails(schedule),
        () => [schedule.id],
      );
    });

  schedules
    .command('create')
    .description('create a schedule: --cron or --every, and the job each tick submits (or --file with the whole body)')
    .option('--file <file>', 'the POST /v1/schedules body as JSON; other flags are not allowed with it')
    .option('--cron <expr>', 'cron expression, 5 fields (or 6 with seconds first), e.g. "*/5 * * * *"')
    .option('--timezone <zone>', 'IANA time zone the cron expression is read in (default UTC)')
    .option('--every <ms>', 'fire every this many ms (at least 1000)', integerIn(1_000, 366 * 24 * 3_600_000))
    .option('--type <type>', 'task type of the job each tick submits')
    .option('--input <json>', 'that job’s input as JSON', jsonValue)
    .option('--id <id>', 'schedule id (lower-case letters, digits, -); generated when left out')
    .option('--name <name>', 'a name for people')
    .option('--project <name>', 'project the schedule and its jobs belong to')
    .option('--priority <n>', 'the job’s priority 0-10', integerIn(0, 10))
    .option('--max-attempts <n>', 'the job’s attempts before it is dead-lettered', integerIn(1, 100))
    .addOption(new Option('--overlap <policy>', 'a tick while the last job still runs (default skip)').choices(OVERLAP_POLICIES))
    .option('--paused', 'create it paused')
    .action(async (flags: CreateFlags) => {
      const body = flags.file === undefined ? bodyFromFlags(flags) : await bodyFromFile(flags);
      const schedule = await ctx.client().createSchedule(body);
      ctx.out().result(
        schedule,
        () => `created schedule ${schedule.id} (${specText(schedule)}${schedule.paused ? ', paused' : ''})`,
        () => [schedule.id],
      );
    });

  for (const action of ['pause', 'resume'] as const) {
    schedules
      .command(action)
      .description(action === 'pause' ? 'stop firing a schedule' : 'fire a paused schedule again (missed ticks are not caught up)')
      .argument('<id>', 'schedule id')
      .action(async (id: string) => {
        const client = ctx.client();
        const schedule = action === 'pause' ? await client.pauseSchedule(id) : await client.resumeSchedule(id);
        ctx.out().result(
          schedule,
          () => `schedule ${schedule.id} ${schedule.paused ? 'paused' : 'active'}`,
          () => [schedule.id],
        );
      });
  }

  schedules
    .command('trigger')
    .description('submit the schedule’s job once, now, outside its ticks; prints the job id')
    .argument('<id>', 'schedule id')
    .option('--idempotency-key <key>', 'triggering with the same key again returns the same job')
    .action(async (id: string, flags: { idempotencyKey?: string }) => {
      const job = await ctx.client().triggerSchedule(id, { idempotencyKey: flags.idempotencyKey });
      ctx.out().result(
        job,
        () => `${job.replayed ? 'already submitted' : 'submitted'} ${job.id} from schedule ${id} (queue ${job.queue})`,
        () => [job.id],
      );
    });

  schedules
    .command('rm')
    .description('delete a schedule (built-in ones can only be paused)')
    .argument('<id>', 'schedule id')
    .action(async (id: string) => {
      await ctx.client().deleteSchedule(id);
      ctx.out().result(
        { deleted: id },
        () => `deleted schedule ${id}`,
        () => [id],
      );
    });
}

function bodyFromFlags(flags: CreateFlags): CreateScheduleOptions {
  if (flags.cron === undefined && flags.every === undefined) throw new UsageError('give --cron EXPR or --every MS (or --file)');
  if (flags.cron !== undefined && flags.every !== undefined) throw new UsageError('give --cron or --every, not both');
  if (flags.timezone !== undefined && flags.cron === undefined) throw new UsageError('--timezone applies to --cron only');
  if (flags.type === undefined) throw new UsageError('give --type: the task type each tick submits');
  return {
    ...(flags.id !== undefined ? { id: flags.id } : {}),
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.project !== undefined ? { project: flags.project } : {}),
    spec: flags.cron !== undefined ? { cron: flags.cron, timezone: flags.timezone ?? 'UTC' } : { everyMs: flags.every as number },
    job: {
      type: flags.type,
      ...(flags.input !== undefined ? { input: flags.input } : {}),
      ...(flags.priority !== undefined ? { priority: flags.priority } : {}),
      ...(flags.maxAttempts !== undefined ? { maxAttempts: flags.maxAttempts } : {}),
    },
    ...(flags.overlap !== undefined ? { overlap: flags.overlap } : {}),
    ...(flags.paused ? { paused: true } : {}),
  };
}

async function bodyFromFile(flags: CreateFlags): Promise<CreateScheduleOptions> {
  const others = Object.keys(flags).filter((k) => k !== 'file');
  if (others.length > 0) throw new UsageError(`--file carries the whole body: drop ${others.map((k) => `--${kebab(k)}`).join(', ')}`);
  const file = flags.file as string;
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${err.code ?? err.message}`);
  });
  try {
    // The gateway validates the body (400 → exit 2); the CLI only needs it to be JSON.
    return JSON.parse(text) as CreateScheduleOptions;
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
}

function kebab(flag: string): string {
  return flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function specText(s: ScheduleView): string {
  return 'cron' in s.spec ? `cron "${s.spec.cron}" ${s.spec.timezone}` : `every ${formatDuration(s.spec.everyMs)}`;
}

function scheduleTable(items: ScheduleView[]): string {
  return renderTable(
    ['ID', 'PROJECT', 'WHEN', 'TYPE', 'PAUSED', 'FIRED', 'SKIPPED', 'NEXT', 'LAST JOB'],
    items.map((s) => [
      s.id,
      s.project,
      specText(s),
      s.job.type,
      s.paused,
      s.state.fired,
      s.state.skipped,
      s.paused ? undefined : s.state.nextTickAt,
      s.state.lastJobId,
    ]),
  );
}

function scheduleDetails(s: ScheduleView): string {
  return renderKeyValues([
    ['id', s.id],
    ['name', s.name],
    ['project', s.project],
    ['when', specText(s)],
    ['job', s.job.type],
    ['input', s.job.input === undefined ? undefined : JSON.stringify(s.job.input)],
    ['overlap', s.overlap],
    ['paused', s.paused],
    ['built in', s.builtIn],
    ['fired', s.state.fired],
    ['skipped', s.state.skipped],
    ['last tick', s.state.lastTickAt],
    ['last job', s.state.lastJobId],
    ['next tick', s.state.nextTickAt],
    ['last error', s.state.lastError],
    ['created', s.createdAt],
    ['updated', s.updatedAt],
  ]);
}
