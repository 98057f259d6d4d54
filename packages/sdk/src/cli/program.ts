import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { type CliContext, createCliContext } from './cli-context.js';
import { registerArtifactCommands } from './commands/artifacts.js';
import { registerAudit } from './commands/audit.js';
import { registerBatches } from './commands/batches.js';
import { registerDlq } from './commands/dlq.js';
import { registerJobCommands } from './commands/jobs.js';
import { registerQueueCommands } from './commands/queues.js';
import { registerSchedules } from './commands/schedules.js';
import { registerSubmit } from './commands/submit.js';
import { registerTasks } from './commands/tasks.js';
import { registerUsage } from './commands/usage.js';
import { registerWatch } from './commands/watch.js';
import { registerWorkers } from './commands/workers.js';
import { registerWorkflows } from './commands/workflows.js';
import { DEFAULT_URL } from './config.js';

/** The SDK's own version: package.json sits two levels above src/cli and dist/cli alike. */
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The `reelay` command tree. Separate from main.ts so it can be built without running. */
export function buildProgram(env: NodeJS.ProcessEnv): { program: Command; ctx: CliContext } {
  const program = new Command('reelay')
    .description('Submit, watch and operate Reelay jobs through the gateway')
    .option('--url <url>', `gateway URL (env REELAY_URL, default ${DEFAULT_URL})`)
    .option('--api-key <key>', 'API key (env REELAY_API_KEY)')
    .option('--json', 'machine-readable JSON output')
    .addOption(new Option('-q, --quiet', 'print only ids, one per line (id=$(reelay -q submit …))').conflicts('json'))
    .version(version, '-V, --version', 'print the version of reelay')
    .showHelpAfterError('(reelay --help lists the commands and options)')
    // Errors become exceptions so main.ts maps them to the documented exit codes; subcommands inherit it.
    .exitOverride();
  const ctx = createCliContext(program, env);
  registerSubmit(program, ctx);
  registerJobCommands(program, ctx);
  registerWatch(program, ctx);
  registerQueueCommands(program, ctx);
  registerWorkers(program, ctx);
  registerTasks(program, ctx);
  registerWorkflows(program, ctx);
  registerSchedules(program, ctx);
  registerBatches(program, ctx);
  registerAudit(program, ctx);
  registerUsage(program, ctx);
  registerDlq(program, ctx);
  registerArtifactCommands(program, ctx);
  return { program, ctx };
}
