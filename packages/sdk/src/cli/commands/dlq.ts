import type { BulkDlqResponse } from '@reelay/contracts';
import { type Command, Option } from 'commander';
import type { BulkDeadLetterOptions } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { deadLetterTable } from '../format/job-format.js';
import { renderTable } from '../format/table.js';
import { hours, integerIn, jsonValue } from '../option-parsers.js';
import { UsageError } from '../usage-error.js';

interface FilterFlags {
  queue?: string;
  type?: string;
  errorCode?: string;
  reason?: 'exhausted' | 'permanent' | 'max-deliveries';
  project?: string;
  maxAgeHours?: number;
  minAgeHours?: number;
  all?: boolean;
  limit?: number;
  dryRun?: boolean;
}

const FILTERS = ['queue', 'type', 'errorCode', 'reason', 'project', 'maxAgeHours', 'minAgeHours'] as const;

/**
 * `dlq ls | requeue | discard | rm`: inspecting and handling dead letters, one by id or
 * many by filter (queue, type, error code, reason, project, age) with a dry run first.
 */
export function registerDlq(program: Command, ctx: CliContext): void {
  const dlq = program.command('dlq').description('dead-lettered jobs: list, requeue, discard — one by id or many by filter');

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

  withFilters(
    dlq
      .command('requeue')
      .description('put a dead job back on its queue (optionally with a corrected input), or every one a filter matches')
      .argument('[id]', 'dead letter id (the job id); leave out to requeue by filter')
      .option('--input <json>', 'with an id: replace the input', jsonValue),
  ).action(async (id: string | undefined, flags: FilterFlags & { input?: unknown }) => {
    if (id !== undefined) {
      if (hasFilter(flags) || flags.all || flags.dryRun || flags.limit !== undefined) {
        throw new UsageError('give a dead letter id or filters, not both');
      }
      const job = await ctx.client().requeueDeadLetter(id, { input: flags.input });
      ctx.out().result(
        job,
        () => `requeued as ${job.id} (queue ${job.queue}, ${job.status})`,
        () => [job.id],
      );
      return;
    }
    if (flags.input !== undefined) throw new UsageError('--input replaces one job’s input: give the dead letter id');
    const answer = await ctx.client().requeueDeadLetters(bulkBody(flags));
    printBulk(ctx, answer);
  });

  withFilters(
    dlq
      .command('discard')
      .description('discard every dead letter a filter matches; needs --yes unless --dry-run')
      .option('--yes', 'really discard them'),
  ).action(async (flags: FilterFlags & { yes?: boolean }) => {
    const body = bulkBody(flags);
    if (!body.dryRun && !flags.yes)
      throw new UsageError('discard deletes the matching dead letters for good: add --dry-run to see them, --yes to confirm');
    printBulk(ctx, await ctx.client().discardDeadLetters(body));
  });

  dlq
    .command('rm')
    .description('discard one dead letter')
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

function withFilters(command: Command): Command {
  return command
    .option('--queue <name>', 'only dead letters of this queue')
    .option('--type <type>', 'only this task type')
    .option('--error-code <code>', 'only this final error code, e.g. PROVIDER_ERROR')
    .addOption(new Option('--reason <reason>', 'only this way of dying').choices(['exhausted', 'permanent', 'max-deliveries']))
    .option('--project <name>', 'only this project')
    .option('--max-age-hours <h>', 'only those that died at most this many hours ago', hours)
    .option('--min-age-hours <h>', 'only those that died at least this many hours ago', hours)
    .option('--all', 'match every dead letter the key may see (no filter)')
    .option('--limit <n>', 'at most this many, oldest first (default 1000)', integerIn(1, 10_000))
    .option('--dry-run', 'only count and list what would be done');
}

function hasFilter(flags: FilterFlags): boolean {
  return FILTERS.some((f) => flags[f] !== undefined);
}

function bulkBody(flags: FilterFlags): BulkDeadLetterOptions {
  // No filter matches every dead letter: say so on purpose, never by a forgotten flag.
  if (!hasFilter(flags) && !flags.all) throw new UsageError('give a dead letter id, at least one filter, or --all');
  if (hasFilter(flags) && flags.all) throw new UsageError('--all matches everything: drop it or the filters');
  const body: BulkDeadLetterOptions = {};
  if (flags.queue !== undefined) body.queue = flags.queue;
  if (flags.type !== undefined) body.type = flags.type;
  if (flags.errorCode !== undefined) body.errorCode = flags.errorCode;
  if (flags.reason !== undefined) body.reason = flags.reason;
  if (flags.project !== undefined) body.project = flags.project;
  if (flags.maxAgeHours !== undefined) body.maxAgeHours = flags.maxAgeHours;
  if (flags.minAgeHours !== undefined) body.minAgeHours = flags.minAgeHours;
  if (flags.limit !== undefined) body.limit = flags.limit;
  if (flags.dryRun) body.dryRun = true;
  return body;
}

function printBulk(ctx: CliContext, answer: BulkDlqResponse): void {
  const verb = answer.action === 'requeue' ? 'requeued' : 'discarded';
  ctx.out().result(
    answer,
    () => {
      const summary = answer.dryRun
        ? `dry run: ${answer.matched} dead letter${answer.matched === 1 ? '' : 's'} would be ${verb}; nothing changed`
        : `${verb} ${answer.done} of ${answer.matched}${answer.failed > 0 ? `, ${answer.failed} failed` : ''}`;
      const more = answer.truncated ? '\nmore matched than --limit: run it again for the rest' : '';
      if (answer.items.length === 0) return `${summary}${more}`;
      const table = renderTable(
        ['ID', 'TYPE', 'QUEUE', 'PROJECT', 'ERROR', 'DIED', 'OUTCOME'],
        answer.items.map((i) => [
          i.id,
          i.type,
          i.queue,
          i.project,
          i.errorCode,
          i.deadAt,
          i.error ? `${i.outcome}: ${i.error.code}` : i.outcome,
        ]),
      );
      return `${table}\n\n${summary}${more}`;
    },
    () => answer.items.map((i) => i.id),
  );
  // Some failed (requeued meanwhile, NATS away): the run did not do all it was asked.
  if (!answer.dryRun && answer.failed > 0) ctx.exitCode = ExitCode.jobFailed;
}
