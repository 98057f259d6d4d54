import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { renderKeyValues, renderTable } from '../format/table.js';

/** `tasks [type]`: the task registry (Celery's `inspect registered`). */
export function registerTasks(program: Command, ctx: CliContext): void {
  program
    .command('tasks')
    .description('list every task type (built-in and registered) with its queue and live workers; with a type, its contract')
    .argument('[type]', 'one task type, e.g. acme.resize')
    .action(async (type: string | undefined) => {
      const client = ctx.client();
      if (type) {
        const task = await client.getTask(type);
        ctx.out().result(
          task,
          () =>
            [
              renderKeyValues([
                ['type', task.type],
                ['version', task.version],
                ['queue', task.queue],
                ['priority', task.priority],
                ['attempts', task.retry.maxAttempts],
                ['time limits', `${task.softTimeoutMs} ms soft, ${task.hardTimeoutMs} ms hard`],
                ['rate limit', task.rateLimit ? `${task.rateLimit.max} per ${task.rateLimit.perMs} ms` : undefined],
                ['registered by', task.registeredBy],
                ['workers', task.workers.map((w) => w.id).join(', ') || 'none'],
                ['description', task.description],
              ]),
              '',
              'input schema:',
              JSON.stringify(task.inputSchema, null, 2),
              '',
              'output schema:',
              JSON.stringify(task.outputSchema, null, 2),
            ].join('\n'),
          () => [task.type],
        );
        return;
      }
      const items = await client.listTasks();
      ctx.out().result(
        { items },
        () =>
          renderTable(
            ['TYPE', 'VERSION', 'QUEUE', 'BUILT-IN', { header: 'WORKERS', align: 'right' }, 'DESCRIPTION'],
            items.map((t) => [t.type, t.version, t.queue, t.builtIn, t.workers.length, t.description]),
          ),
        () => items.map((t) => t.type),
      );
    });
}
