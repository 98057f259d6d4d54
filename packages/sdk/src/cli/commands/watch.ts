import type { JobView } from '@reelay/contracts';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { ReelayClient } from '../../index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../format/output.js';
import { renderTable } from '../format/table.js';

/**
 * `watch <id...>`: follows each job's event stream until every job has finished. On a
 * terminal, one live progress bar per job; otherwise (pipes, CI logs, --json) one line
 * per state change, so logs are not flooded with progress redraws.
 */
export function registerWatch(program: Command, ctx: CliContext): void {
  program
    .command('watch')
    .description('follow jobs live until all finish; exit 0 only if all succeeded')
    .argument('<id...>', 'job ids')
    .action(async (ids: string[]) => {
      const out = ctx.out();
      const bars = out.mode === 'human' && process.stderr.isTTY ? newMultiBar() : undefined;
      // One job's failure to stream (404, auth) stops the others too, rather than leaving them running.
      const abort = new AbortController();
      let finals: JobView[];
      try {
        finals = await Promise.all(
          ids.map((id) =>
            followJob(ctx.client(), id, out, bars?.create(100, 0, { id, status: 'connecting', stage: '' }), abort.signal).catch((err) => {
              abort.abort(err);
              throw err;
            }),
          ),
        );
      } finally {
        bars?.stop();
      }
      out.result(
        finals.map((j) => ({ id: j.id, status: j.status, error: j.error })),
        () =>
          renderTable(
            ['ID', 'TYPE', 'STATUS', 'ERROR'],
            finals.map((j) => [j.id, j.type, j.status, j.error ? `${j.error.code}: ${j.error.message}` : undefined]),
          ),
        () => finals.map((j) => j.id),
      );
      if (!finals.every((j) => j.status === 'succeeded')) ctx.exitCode = ExitCode.jobFailed;
    });
}

async function followJob(client: ReelayClient, id: string, out: Output, bar: SingleBar | undefined, signal: AbortSignal): Promise<JobView> {
  let last: JobView | undefined;
  for await (const event of client.events(id, { signal })) {
    const job = event.job;
    const changed = last?.status !== job.status;
    last = job;
    if (bar) {
      bar.update(Math.round(job.progress), { status: job.status, stage: job.stage ?? '' });
    } else if (out.json) {
      out.event(
        { eventId: event.eventId, kind: event.kind, id: job.id, status: job.status, progress: job.progress, stage: job.stage },
        () => '',
      );
    } else if (changed) {
      out.event(null, () => `${job.id}  ${job.status}${job.error ? `  ${job.error.code}: ${job.error.message}` : ''}`);
    }
  }
  // The stream ends after the terminal event; the record read here is the same final state.
  return last?.status && ['succeeded', 'failed', 'cancelled'].includes(last.status) ? last : client.get(id, { signal });
}

function newMultiBar(): MultiBar {
  return new MultiBar(
    {
      format: '{id} [{bar}] {percentage}% | {status} {stage}',
      hideCursor: true,
      // Narrow enough that a 36-character job id, the bar and the status fit an 80-column terminal.
      barsize: 20,
      clearOnComplete: false,
      stopOnComplete: false,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
}
