import type { UsageRow } from '@reelay/contracts';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { renderTable } from '../format/table.js';
import { formatDuration } from '../format/units.js';
import { isoTime } from '../option-parsers.js';

/** `usage`: jobs, failures and durations per project and task type, from the job store. */
export function registerUsage(program: Command, ctx: CliContext): void {
  program
    .command('usage')
    .description('jobs, outcomes and durations per project and task type (the last 24 hours unless --from/--to)')
    .option('--project <name>', 'only this project')
    .option('--from <time>', 'jobs created at or after this ISO time', isoTime)
    .option('--to <time>', 'jobs created before this ISO time', isoTime)
    .action(async (flags: { project?: string; from?: string; to?: string }) => {
      const usage = await ctx.client().getUsage(flags);
      ctx
        .out()
        .result(usage, () =>
          usage.items.length > 0
            ? `${usage.from} → ${usage.to}\n\n${usageTable(usage.items)}`
            : `no jobs from ${usage.from} to ${usage.to}`,
        );
    });
}

function usageTable(rows: UsageRow[]): string {
  const ms = (v: number | null) => (v === null ? undefined : formatDuration(v));
  return renderTable(
    ['PROJECT', 'TYPE', 'JOBS', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'MEAN RUN', 'MAX RUN', 'MEAN TOTAL'],
    rows.map((r) => [r.project, r.type, r.jobs, r.succeeded, r.failed, r.cancelled, ms(r.meanRunMs), ms(r.maxRunMs), ms(r.meanTotalMs)]),
  );
}
