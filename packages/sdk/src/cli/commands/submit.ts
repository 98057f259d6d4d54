import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { jobDetails } from '../format/job-format.js';
import { integerIn, jsonValue } from '../option-parsers.js';
import { UsageError } from '../usage-error.js';

interface SubmitFlags {
  input?: unknown;
  inputFile?: string;
  priority?: number;
  project?: string;
  delay?: number;
  maxAttempts?: number;
  idempotencyKey?: string;
  wait?: boolean;
  timeout?: number;
}

export function registerSubmit(program: Command, ctx: CliContext): void {
  program
    .command('submit')
    .description('submit a job; with --wait, wait for it and exit 1 unless it succeeds')
    .argument('<type>', 'task type, e.g. system.sleep')
    .option('--input <json>', 'the job input as JSON', jsonValue)
    .option('--input-file <file>', 'read the job input (JSON) from a file')
    .option('--priority <n>', 'priority 0-10 (10 most urgent)', integerIn(0, 10))
    .option('--project <name>', 'project the job belongs to')
    .option('--delay <ms>', 'run no earlier than this many ms from now', integerIn(0, 365 * 24 * 3_600_000))
    .option('--max-attempts <n>', 'attempts before the job is dead-lettered', integerIn(1, 100))
    .option('--idempotency-key <key>', 'submitting the same key again returns the same job')
    .option('--wait', 'wait until the job finishes')
    .option('--timeout <ms>', 'with --wait: give up after this long (exit 7)', integerIn(0, Number.MAX_SAFE_INTEGER))
    .action(async (type: string, flags: SubmitFlags) => {
      const input = await readInput(flags);
      const client = ctx.client();
      const out = ctx.out();
      const submitted = await client.submitRaw(
        {
          type,
          input,
          priority: flags.priority,
          project: flags.project,
          delayMs: flags.delay,
          maxAttempts: flags.maxAttempts,
        },
        { idempotencyKey: flags.idempotencyKey },
      );
      if (!flags.wait) {
        out.result(
          submitted,
          () =>
            `${submitted.replayed ? 'already submitted' : 'submitted'} ${submitted.id} (queue ${submitted.queue}, priority ${submitted.priority})`,
          () => [submitted.id],
        );
        return;
      }
      if (!out.json) out.note(`submitted ${submitted.id}, waiting…`);
      const job = await client.wait(submitted.id, { timeoutMs: flags.timeout ?? Number.POSITIVE_INFINITY });
      out.result(
        job,
        () => jobDetails(job, Date.now()),
        () => [job.id],
      );
      if (job.status !== 'succeeded') ctx.exitCode = ExitCode.jobFailed;
    });
}

async function readInput(flags: SubmitFlags): Promise<unknown> {
  if (flags.input !== undefined && flags.inputFile !== undefined) throw new UsageError('give --input or --input-file, not both');
  if (flags.inputFile === undefined) return flags.input;
  let text: string;
  try {
    text = await readFile(flags.inputFile, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${flags.inputFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flags.inputFile} is not valid JSON (${(err as Error).message})`);
  }
}
