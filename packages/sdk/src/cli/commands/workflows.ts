import { readFile } from 'node:fs/promises';
import type { WorkflowView } from '@reelay/contracts';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { groupTable } from '../format/job-format.js';
import { renderTable } from '../format/table.js';
import { integerIn } from '../option-parsers.js';
import { UsageError } from '../usage-error.js';

/**
 * `workflow submit | ls | status | watch | wait | cancel | retry`: start a workflow from a JSON file
 * (a spec, or a preset such as `{"preset":"book",…}` or `{"preset":"reel",…}`) and follow
 * its steps until it finishes.
 */
export function registerWorkflows(program: Command, ctx: CliContext): void {
  const wf = program.command('workflow').description('workflows: submit a spec or preset from JSON, follow its steps');

  wf.command('submit')
    .description('start a workflow from a JSON file (- for stdin): a spec or a preset body')
    .argument('<file>', 'JSON file, or - for standard input')
    .option('--watch', 'follow its steps until it finishes; exit 0 only if it succeeded')
    .action(async (file: string, flags: { watch?: boolean }) => {
      const body = await readJson(file);
      const started = await ctx.client().submitWorkflow(body as never);
      if (!flags.watch) {
        ctx.out().result(
          started,
          () => `workflow ${started.id} ${started.status}`,
          () => [started.id],
        );
        return;
      }
      ctx.out().note(`workflow ${started.id} started`);
      await follow(ctx, started.id);
    });

  wf.command('ls')
    .description('list workflows, newest first, with the jobs started for each counted by state')
    .option('--project <name>', 'only this project')
    .option('--limit <n>', 'page size (1-500)', integerIn(1, 500))
    .option('--cursor <cursor>', 'the next page, as printed after the previous one')
    .action(async (flags: { project?: string; limit?: number; cursor?: string }) => {
      const page = await ctx.client().listWorkflows(flags);
      ctx.out().result(
        page,
        () => {
          const table = page.items.length > 0 ? groupTable(page.items, Date.now()) : 'no workflows';
          return page.nextCursor ? `${table}\n\nnext page: the same command with --cursor ${page.nextCursor}` : table;
        },
        () => page.items.map((w) => w.id),
      );
    });

  wf.command('status')
    .description('a workflow and its steps')
    .argument('<id>', 'workflow id')
    .action(async (id: string) => {
      const view = await ctx.client().getWorkflow(id);
      ctx.out().result(
        view,
        () => workflowText(view),
        () => [view.id],
      );
    });

  wf.command('watch')
    .description('follow a workflow’s steps until it finishes; exit 0 only if it succeeded')
    .argument('<id>', 'workflow id')
    .action(async (id: string) => follow(ctx, id));

  wf.command('wait')
    .description('wait, silently, until a workflow finishes; print it; exit 0 only if it succeeded')
    .argument('<id>', 'workflow id')
    .option('--timeout <ms>', 'give up after this long (exit 7); the workflow keeps running', integerIn(0, Number.MAX_SAFE_INTEGER))
    .action(async (id: string, flags: { timeout?: number }) => {
      const view = await ctx.client().waitWorkflow(id, { timeoutMs: flags.timeout ?? Number.POSITIVE_INFINITY });
      ctx.out().result(
        view,
        () => workflowText(view),
        () => [view.id],
      );
      if (view.status !== 'succeeded') ctx.exitCode = ExitCode.jobFailed;
    });

  for (const action of ['cancel', 'retry'] as const) {
    wf.command(action)
      .description(
        action === 'cancel' ? 'cancel its running and waiting steps' : 'run a failed or cancelled workflow again from its failed steps',
      )
      .argument('<id>', 'workflow id')
      .action(async (id: string) => {
        const client = ctx.client();
        const done = action === 'cancel' ? await client.cancelWorkflow(id) : await client.retryWorkflow(id);
        ctx.out().result(
          done,
          () => `workflow ${done.id} ${done.status}`,
          () => [done.id],
        );
      });
  }
}

async function readJson(file: string): Promise<unknown> {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) throw new UsageError(`cannot read ${file}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Prints each step whose state changed (read once a second by the SDK) until the workflow finishes. */
async function follow(ctx: CliContext, id: string): Promise<void> {
  const out = ctx.out();
  let last: WorkflowView | undefined;
  for await (const { workflow: view, changedSteps } of ctx.client().workflowEvents(id)) {
    last = view;
    for (const step of changedSteps) {
      out.event(
        { workflow: view.id, step: step.id, type: step.type, status: step.status, progress: step.progress },
        () => `${step.id.padEnd(24)} ${step.status.padEnd(10)} ${String(Math.round(step.progress)).padStart(3)}%  ${step.type}`,
      );
    }
  }
  if (!last) throw new Error(`workflow ${id}: the event stream ended before its first read`);
  const view = last;
  // The closing line of the stream: one compact JSON line like the step events before it.
  if (out.quiet)
    out.result(
      view,
      () => '',
      () => [view.id],
    );
  else out.event({ id: view.id, status: view.status, failedStep: view.failedStep }, () => `workflow ${view.id} ${view.status}`);
  if (view.status !== 'succeeded') ctx.exitCode = ExitCode.jobFailed;
}

function workflowText(view: WorkflowView): string {
  return [
    `workflow ${view.id}${view.name ? ` (${view.name})` : ''}: ${view.status}, ${Math.round(view.progress)}%, run ${view.run}`,
    '',
    renderTable(
      ['STEP', 'TYPE', 'STATUS', { header: 'PROGRESS', align: 'right' }, 'JOB', 'ERROR'],
      view.steps.map((s) => [s.id, s.type, s.status, `${Math.round(s.progress)}%`, s.jobId, s.error?.code]),
    ),
  ].join('\n');
}
