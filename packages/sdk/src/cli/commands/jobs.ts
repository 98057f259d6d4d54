import { JOB_STATUSES, type JobStatus } from '@reelay/contracts';
import { type Command, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import { jobDetails, jobTable } from '../format/job-format.js';
import { integerIn } from '../option-parsers.js';

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
    .description('list jobs, newest first')
    .addOption(new Option('--status <status>', 'only jobs in this state').choices(JOB_STATUSES))
    .option('--type <type>', 'only jobs of this task type')
    .option('--project <name>', 'only jobs of this project')
    .option('--limit <n>', 'page size (1-500)', integerIn(1, 500), 50)
    .option('--cursor <cursor>', 'the next page, as printed after the previous one')
    .action(async (flags: { status?: JobStatus; type?: string; project?: string; limit: number; cursor?: string }) => {
      const page = await ctx.client().list(flags);
      ctx.out().result(
        page,
        () => {
          const table = page.items.length > 0 ? jobTable(page.items, Date.now()) : 'no jobs';
          return page.nextCursor ? `${table}\n\nmore: reelay ls --cursor ${page.nextCursor}` : table;
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
