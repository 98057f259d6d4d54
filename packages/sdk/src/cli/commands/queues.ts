import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { queueDetails, queueTable } from '../format/job-format.js';
import { UsageError } from '../usage-error.js';

/** `queues`, `pause`, `resume`, `purge`: operating queues (admin scope). */
export function registerQueueCommands(program: Command, ctx: CliContext): void {
  program
    .command('queues')
    .description('list queues with pending and running jobs per band, or show one')
    .argument('[name]', 'queue name')
    .action(async (name: string | undefined) => {
      const client = ctx.client();
      if (name) {
        const queue = await client.getQueue(name);
        ctx.out().result(
          queue,
          () => queueDetails(queue),
          () => [queue.name],
        );
      } else {
        const queues = await client.listQueues();
        ctx.out().result(
          { items: queues },
          () => queueTable(queues),
          () => queues.map((q) => q.name),
        );
      }
    });

  program
    .command('pause')
    .description('stop workers taking jobs from a queue (running jobs finish)')
    .argument('<queue>', 'queue name')
    .action(async (name: string) => {
      const queue = await ctx.client().pauseQueue(name);
      ctx.out().result(
        queue,
        () => `queue ${queue.name} paused (${queue.pending} pending)`,
        () => [queue.name],
      );
    });

  program
    .command('resume')
    .description('let workers take jobs from a paused queue again')
    .argument('<queue>', 'queue name')
    .action(async (name: string) => {
      const queue = await ctx.client().resumeQueue(name);
      ctx.out().result(
        queue,
        () => `queue ${queue.name} resumed (${queue.pending} pending)`,
        () => [queue.name],
      );
    });

  program
    .command('purge')
    .description('delete every waiting job of a queue; needs --yes')
    .argument('<queue>', 'queue name')
    .option('--yes', 'really delete the waiting jobs')
    .action(async (name: string, flags: { yes?: boolean }) => {
      if (!flags.yes) throw new UsageError(`purge deletes every waiting job of ${name}: add --yes to confirm`);
      const purged = await ctx.client().purgeQueue(name);
      ctx.out().result({ purged }, () => `purged ${purged} job${purged === 1 ? '' : 's'} from ${name}`);
    });
}
