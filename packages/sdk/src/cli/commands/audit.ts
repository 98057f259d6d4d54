import { AUDIT_ACTIONS, type AuditAction, type AuditOutcome, type AuditRecord } from '@reelay/contracts';
import { type Command, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import { renderTable } from '../format/table.js';
import { integerIn, isoTime } from '../option-parsers.js';

interface AuditFlags {
  project?: string;
  action?: AuditAction;
  key?: string;
  target?: string;
  outcome?: AuditOutcome;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

/** `audit`: who did what through the gateway (admin keys), oldest first, a page at a time. */
export function registerAudit(program: Command, ctx: CliContext): void {
  program
    .command('audit')
    .description('the audit log: who submitted, cancelled, requeued, paused… what, and when (admin)')
    .option('--project <name>', 'only actions in this project')
    .addOption(new Option('--action <action>', 'only this action').choices(AUDIT_ACTIONS))
    .option('--key <name>', 'only requests made with this API key (by name)')
    .option('--target <id>', 'only actions on this job, workflow, schedule, queue, worker or artifact')
    .addOption(new Option('--outcome <outcome>', 'only this outcome').choices(['ok', 'denied', 'rejected', 'failed']))
    .option('--since <time>', 'from this ISO time, e.g. 2026-01-31T00:00:00Z', isoTime)
    .option('--until <time>', 'up to this ISO time', isoTime)
    .option('--limit <n>', 'page size (1-500)', integerIn(1, 500))
    .option('--cursor <cursor>', 'the next page, as printed after the previous one')
    .action(async (flags: AuditFlags) => {
      const page = await ctx.client().listAudit(flags);
      ctx.out().result(
        page,
        () => {
          const table = page.items.length > 0 ? auditTable(page.items) : 'no audit records';
          return page.nextCursor ? `${table}\n\nmore: reelay audit --cursor ${page.nextCursor}` : table;
        },
        () => page.items.map((r) => String(r.seq)),
      );
    });
}

function auditTable(items: AuditRecord[]): string {
  return renderTable(
    [
      { header: 'SEQ', align: 'right' },
      'AT',
      'KEY',
      'ACTION',
      'OUTCOME',
      { header: 'STATUS', align: 'right' },
      'PROJECT',
      'TARGET',
      'ERROR',
    ],
    items.map((r) => [r.seq, r.at, r.key?.name, r.action, r.outcome, r.status, r.project, r.target, r.errorCode]),
  );
}
