import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { workerTable } from '../format/job-format.js';

export function registerWorkers(program: Command, ctx: CliContext): void {
  program
    .command('workers')
    .description('list live workers from their heartbeats')
    .action(async () => {
      const workers = await ctx.client().listWorkers();
      ctx.out().result(
        { items: workers },
        () => (workers.length > 0 ? workerTable(workers, Date.now()) : 'no live workers'),
        () => workers.map((w) => w.id),
      );
    });
}
