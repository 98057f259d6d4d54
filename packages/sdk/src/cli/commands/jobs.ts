import { JOB_STATUSES, type JobSortOrder, type JobStatus } from '@reelay/contracts';
import { type Command, Option } from 'commander';
import type { CountJobsOptions, ListJobsOptions } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { jobDetails, jobTable } from '../format/job-format.js';
import { renderKeyValues } from '../format/table.js';
import { integerIn, isoTime } from '../option-parsers.js';

interface ListFlags {
  status?: JobStatus;
  type?: string;
  project?: string;
  queue?: string;
  label?: string;
  workflow?: string;
  batch?: string;
  errorCode?: string;
  createdAfter?: string;
  createdBefore?: string;
  updatedAfter?: string;
  updatedBefore?: string;
  sort?: JobSortOrder;
  limit: number;
  cursor?: string;
  count?: boolean;
}

/** `status`, `ls` and `cancel`: reading and stopping single jobs. */
export function registerJobCommands(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description("show a job's state, progress, error and result")
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      const job = await ctx.client().get(id);
      ctx.out().result(
        job,
        () => jobDetails(job, Date.now()),
        () => [job.id],
      );
    });

  program
    .command('ls')
    .description('list jobs, newest first, by any of the filters; --count counts them by state instead')
    .addOption(new Option('--status <status>', 'only jobs in this state').choices(JOB_STATUSES))
    .option('--type <type>', 'only jobs of this task type')
    .option('--project <name>', 'only jobs of this project')
    .option('--queue <name>', 'only jobs of this queue')
    .option('--label <key:value>', 'only jobs submitted with this label')
    .option('--workflow <id>', 'only the jobs of this workflow')
    .option('--batch <id>', 'only the jobs of this batch')
    .option('--error-code <code>', 'only jobs whose last error has this code, e.g. FFMPEG_FAILED')
    .option('--created-after <time>', 'created at or after this ISO time', isoTime)
    .option('--created-before <time>', 'created before this ISO time', isoTime)
    .option('--updated-after <time>', 'last changed at or after this ISO time', isoTime)
    .option('--updated-before <time>', 'last changed before this ISO time', isoTime)
    .addOption(
      new Option('--sort <order>', 'order (default -createdAt, newest first)').choices([
        '-createdAt',
        'createdAt',
        '-updatedAt',
        'updatedAt',
      ]),
    )
    .option('--limit <n>', 'page size (1-500)', integerIn(1, 500), 50)
    .option('--cursor <cursor>', 'the next page, as printed after the previous one')
    .option('--count', 'print how many jobs match, in all and by state, instead of listing them')
    .action(async (flags: ListFlags) => {
      const filter = filterFrom(flags);
      const client = ctx.client();
      if (flags.count) {
        const counts = await client.countJobs(filter);
        ctx
          .out()
          .result(counts, () =>
            renderKeyValues([['total', counts.total], ...JOB_STATUSES.map((s): [string, number] => [s, counts.byStatus[s] ?? 0])]),
          );
        return;
      }
      const query: ListJobsOptions = { ...filter, limit: flags.limit };
      if (flags.sort !== undefined) query.sort = flags.sort;
      if (flags.cursor !== undefined) query.cursor = flags.cursor;
      const page = await client.list(query);
      ctx.out().result(
        page,
        () => {
          const table = page.items.length > 0 ? jobTable(page.items, Date.now()) : 'no jobs';
          return page.nextCursor ? `${table}\n\nnext page: the same command with --cursor ${page.nextCursor}` : table;
        },
        () => page.items.map((j) => j.id),
      );
    });

  program
    .command('cancel')
    .description('cancel a queued or running job (exit 6 when it already finished)')
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      const job = await ctx.client().cancel(id);
      ctx.out().result(
        job,
        () =>
          job.status === 'cancelled' ? `cancelled ${job.id}` : `cancel requested for ${job.id} (${job.status}); it stops within a second`,
        () => [job.id],
      );
    });
}

/** The flags as the contracts' filter: only those given, so the gateway applies its defaults. */
function filterFrom(flags: ListFlags): CountJobsOptions {
  const filter: CountJobsOptions = {};
  if (flags.status !== undefined) filter.status = flags.status;
  if (flags.type !== undefined) filter.type = flags.type;
  if (flags.project !== undefined) filter.project = flags.project;
  if (flags.queue !== undefined) filter.queue = flags.queue;
  if (flags.label !== undefined) filter.label = flags.label;
  if (flags.workflow !== undefined) filter.workflowId = flags.workflow;
  if (flags.batch !== undefined) filter.batchId = flags.batch;
  if (flags.errorCode !== undefined) filter.errorCode = flags.errorCode;
  if (flags.createdAfter !== undefined) filter.createdAfter = flags.createdAfter;
  if (flags.createdBefore !== undefined) filter.createdBefore = flags.createdBefore;
  if (flags.updatedAfter !== undefined) filter.updatedAfter = flags.updatedAfter;
  if (flags.updatedBefore !== undefined) filter.updatedBefore = flags.updatedBefore;
  return filter;
}
