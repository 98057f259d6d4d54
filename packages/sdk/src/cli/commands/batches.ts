import type { BatchView } from '@reelay/contracts';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { renderKeyValues } from '../format/table.js';

/** `batches status`: a batch of jobs submitted together, its counts by state. */
export function registerBatches(program: Command, ctx: CliContext): void {
  const batches = program.command('batches').alias('batch').description('batches of jobs: their counts by state');

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

export function countsText(counts: BatchView['counts']): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${status} ${n}`);
  return parts.length > 0 ? parts.join(', ') : '-';
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
