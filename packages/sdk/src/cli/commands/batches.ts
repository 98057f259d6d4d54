import type { BatchView } from '@reelay/contracts';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { countsText, groupTable } from '../format/job-format.js';
import { renderKeyValues } from '../format/table.js';
import { integerIn } from '../option-parsers.js';

/** `batches ls | status`: batches of jobs submitted together, their counts by state. */
export function registerBatches(program: Command, ctx: CliContext): void {
  const batches = program.command('batches').alias('batch').description('batches of jobs: their counts by state');

  batches
    .command('ls')
    .description('list batches, newest first, with their jobs counted by state')
    .option('--project <name>', 'only this project')
    .option('--limit <n>', 'page size (1-500)', integerIn(1, 500))
    .option('--cursor <cursor>', 'the next page, as printed after the previous one')
    .action(async (flags: { project?: string; limit?: number; cursor?: string }) => {
      const page = await ctx.client().listBatches(flags);
      ctx.out().result(
        page,
        () => {
          const table = page.items.length > 0 ? groupTable(page.items, Date.now()) : 'no batches';
          return page.nextCursor ? `${table}\n\nnext page: the same command with --cursor ${page.nextCursor}` : table;
        },
        () => page.items.map((b) => b.id),
      );
    });

  batches
    .command('status')
    .description('a batch: how many of its jobs are in each state, and whether all finished')
    .argument('<id>', 'batch id')
    .option('--jobs', 'list its job ids too')
    .action(async (id: string, flags: { jobs?: boolean }) => {
      const batch = await ctx.client().getBatch(id);
      ctx.out().result(
        batch,
        () => batchDetails(batch, flags.jobs === true),
        () => (flags.jobs ? batch.jobIds : [batch.id]),
      );
    });
}

function batchDetails(batch: BatchView, withJobs: boolean): string {
  const head = renderKeyValues([
    ['id', batch.id],
    ['project', batch.project],
    ['created', batch.createdAt],
    ['jobs', batch.total],
    ['states', countsText(batch.counts)],
    ['done', batch.done],
  ]);
  return withJobs ? `${head}\n\n${batch.jobIds.join('\n')}` : head;
}
