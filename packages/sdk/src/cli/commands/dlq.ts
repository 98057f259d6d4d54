import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { deadLetterTable } from '../format/job-format.js';
import { integerIn, jsonValue } from '../option-parsers.js';

/** `dlq ls | requeue | rm`: inspecting and handling dead letters. */
export function registerDlq(program: Command, ctx: CliContext): void {
  const dlq = program.command('dlq').description('dead-lettered jobs: list, requeue, remove');

  dlq
    .command('ls')
    .description('list dead letters, newest first')
    .option('--queue <name>', 'only this queue')
    .option('--limit <n>', 'at most this many (1-500)', integerIn(1, 500))
    .action(async (flags: { queue?: string; limit?: number }) => {
      const letters = await ctx.client().listDeadLetters(flags);
      ctx.out().result(
        { items: letters },
        () => (letters.length > 0 ? deadLetterTable(letters, Date.now()) : 'no dead letters'),
        () => letters.map((d) => d.job.id),
      );
    });

  dlq
    .command('requeue')
    .description('put a dead job back on its queue, optionally with a corrected input')
    .argument('<id>', 'dead letter id (the job id)')
    .option('--input <json>', 'replace the input', jsonValue)
    .action(async (id: string, flags: { input?: unknown }) => {
      const job = await ctx.client().requeueDeadLetter(id, { input: flags.input });
      ctx.out().result(
        job,
        () => `requeued as ${job.id} (queue ${job.queue}, ${job.status})`,
        () => [job.id],
      );
    });

  dlq
    .command('rm')
    .description('discard a dead letter')
    .argument('<id>', 'dead letter id (the job id)')
    .action(async (id: string) => {
      await ctx.client().deleteDeadLetter(id);
      ctx.out().result(
        { deleted: id },
        () => `deleted ${id}`,
        () => [id],
      );
    });
}
