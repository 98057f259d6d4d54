import { WORKER_CONTROL_ACTIONS } from '@reelay/contracts';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { workerTable } from '../format/job-format.js';

/** `workers [ls]`, `workers drain | resume | shutdown <id>`: live workers and their control (admin). */
export function registerWorkers(program: Command, ctx: CliContext): void {
  const workers = program.command('workers').description('live workers: list them, drain, resume or shut one down');

  workers
    .command('ls', { isDefault: true })
    .description('list live workers from their heartbeats (the default)')
    .action(async () => {
      const items = await ctx.client().listWorkers();
      ctx.out().result(
        { items },
        () => (items.length > 0 ? workerTable(items, Date.now()) : 'no live workers'),
        () => items.map((w) => w.id),
      );
    });

  const what = {
    drain: 'take no new jobs and let running ones finish; the worker stays up',
    resume: 'take jobs again after a drain',
    shutdown: 'stop as on SIGTERM: running jobs get the grace period, then are handed back',
  } as const;
  for (const action of WORKER_CONTROL_ACTIONS) {
    workers
      .command(action)
      .description(`${what[action]} (admin; exit 3 when no live worker has the id)`)
      .argument('<id>', 'worker id, as `reelay workers` lists it')
      .action(async (id: string) => {
        const client = ctx.client();
        const reply =
          action === 'drain'
            ? await client.drainWorker(id)
            : action === 'resume'
              ? await client.resumeWorker(id)
              : await client.shutdownWorker(id);
        ctx.out().result(
          reply,
          () => `worker ${reply.workerId} ${reply.state} (${reply.running} running)${reply.message ? `: ${reply.message}` : ''}`,
          () => [reply.workerId],
        );
      });
  }
}
