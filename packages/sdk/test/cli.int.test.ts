import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/index.js';
import { ADMIN_KEY, CLI_ENTRY, type GatewaySystem, READER_KEY, startGatewaySystem } from './gateway-system.js';

/** `reelay` as a real process (node packages/sdk/dist/cli/main.js) against the real gateway. */

let sys: GatewaySystem;
let dir: string;

beforeAll(async () => {
  sys = await startGatewaySystem();
  dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-cli-'));
});
afterAll(async () => {
  await sys?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function reelay(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_ENTRY, ...args],
      { env: { ...process.env, REELAY_URL: sys.url, REELAY_API_KEY: ADMIN_KEY, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function submitted(args: string[]): Promise<string> {
  const run = await reelay(['--json', 'submit', ...args]);
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { id: string }).id;
}

describe.concurrent('reelay', () => {
  it('submit --wait runs a job to success, prints its result and exits 0', async () => {
    const run = await reelay(['submit', 'system.sleep', '--input', '{"ms":50,"steps":2}', '--priority', '8', '--wait']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/status:\s+succeeded/);
    expect(run.stdout).toMatch(/priority:\s+8/);
    expect(run.stdout).toMatch(/result:\s+\{"sleptMs":\d+\}/);
  });

  it('submit --input-file reads the input, and status --json prints the job record', async () => {
    const file = path.join(dir, 'input.json');
    await writeFile(file, JSON.stringify({ ms: 20 }));
    const id = await submitted(['system.sleep', '--input-file', file, '--project', 'cli']);
    const waited = await reelay(['--json', 'submit', 'system.noop', '--wait']);
    expect(waited.code).toBe(0);
    const status = await reelay(['--json', 'status', id]);
    expect(status.code).toBe(0);
    const job = JSON.parse(status.stdout);
    expect(job).toMatchObject({ id, type: 'system.sleep', project: 'cli', input: { ms: 20 } });
  });

  it('submit --wait exits 1 when the job fails', async () => {
    const run = await reelay(['submit', 'system.sleep', '--input', '{"ms":10,"failAttempts":3}', '--max-attempts', '1', '--wait']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/status:\s+failed/);
  });

  it('ls prints an aligned table of jobs, filtered by project', async () => {
    const ids = [await submitted(['system.noop', '--project', 'listing']), await submitted(['system.noop', '--project', 'listing'])];
    const run = await reelay(['ls', '--project', 'listing']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TYPE\s+STATUS\s+PROGRESS\s+QUEUE\s+PRI\s+PROJECT\s+AGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([...ids].reverse());
    // Aligned: every row starts its TYPE column where the header does.
    const typeColumn = lines[0]!.indexOf('TYPE');
    expect(lines.slice(1).every((l) => l.indexOf('system.noop') === typeColumn)).toBe(true);
  });

  it('watch follows several jobs until they finish and exits 0 when all succeeded', async () => {
    const a = await submitted(['system.sleep', '--input', '{"ms":200,"steps":4}']);
    const b = await submitted(['system.sleep', '--input', '{"ms":100,"steps":2}']);
    const run = await reelay(['watch', a, b]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${a}  succeeded`);
    expect(run.stdout).toContain(`${b}  succeeded`);
  });

  it('watch --json streams one JSON line per event and exits 1 when a job fails', async () => {
    const ok = await submitted(['system.noop']);
    const bad = await submitted(['system.sleep', '--input', '{"ms":10,"failAttempts":3}', '--max-attempts', '1']);
    const run = await reelay(['--json', 'watch', ok, bad]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    const events = lines
      .slice(
        0,
        lines.findIndex((l) => l.startsWith('[')),
      )
      .map((l) => JSON.parse(l) as { id: string; status: string });
    expect(events.some((e) => e.id === bad && e.status === 'failed')).toBe(true);
    expect(events.some((e) => e.id === ok && e.status === 'succeeded')).toBe(true);
  });

  it('workers lists the live scheduler', async () => {
    const run = await reelay(['workers']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ID\s+SERVICE/);
    expect(run.stdout).toMatch(/\sscheduler\s+\S+\s+system\s/);
  });

  it('dlq ls shows a dead job, dlq requeue runs it again and dlq rm discards one', async () => {
    const dead = await submitted(['system.sleep', '--input', '{"ms":10,"failAttempts":3}', '--max-attempts', '1']);
    await reelay(['watch', dead]);
    const ls = await reelay(['dlq', 'ls', '--queue', 'system']);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain(dead);
    const requeue = await reelay(['--json', 'dlq', 'requeue', dead, '--input', '{"ms":10}']);
    expect(requeue.code).toBe(0);
    const job = JSON.parse(requeue.stdout) as { id: string };
    // A requeued job keeps its id; its new run is read back with `status`.
    const final = await waitUntil(
      async () => {
        const status = JSON.parse((await reelay(['--json', 'status', job.id])).stdout) as { status: string };
        return status.status === 'succeeded' || status.status === 'failed' ? status : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the requeued job to finish' },
    );
    expect(final.status).toBe('succeeded');

    const other = await submitted(['system.sleep', '--input', '{"ms":10,"failAttempts":3}', '--max-attempts', '1']);
    await reelay(['watch', other]);
    const rm = await reelay(['dlq', 'rm', other]);
    expect(rm.code).toBe(0);
    expect((await reelay(['dlq', 'rm', other])).code).toBe(3);
  });

  it('upload and download round-trip a file, whole and by range', async () => {
    const source = path.join(dir, 'clip.mp4');
    const bytes = randomBytes(70_000);
    await writeFile(source, bytes);
    const up = await reelay(['--json', 'upload', source, '--project', 'cli']);
    expect(up.code).toBe(0);
    const ref = JSON.parse(up.stdout) as { id: string; contentType: string; size: number; name: string };
    expect(ref).toMatchObject({ contentType: 'video/mp4', size: bytes.length, name: 'clip.mp4' });

    const whole = path.join(dir, 'whole.mp4');
    expect((await reelay(['download', ref.id, whole])).code).toBe(0);
    expect((await readFile(whole)).equals(bytes)).toBe(true);

    const part = path.join(dir, 'part.bin');
    expect((await reelay(['download', ref.id, part, '--range', '100-199'])).code).toBe(0);
    expect((await readFile(part)).equals(bytes.subarray(100, 200))).toBe(true);
  });

  it('purge without --yes refuses with exit 2 and deletes nothing', async () => {
    const run = await reelay(['purge', 'system']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--yes');
  });
});

describe.concurrent('reelay workflow', () => {
  it('workflow submit --watch starts a spec from a file, prints each step as it changes and exits 0 when it succeeds', async () => {
    const file = path.join(dir, 'flow.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'cli-flow',
        steps: [
          { id: 'first', type: 'system.sleep', input: { ms: 50, steps: 2 } },
          { id: 'second', type: 'system.sleep', input: { ms: 50, steps: 2 }, dependsOn: ['first'] },
        ],
      }),
    );
    const run = await reelay(['--json', 'workflow', 'submit', file, '--watch']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const steps = lines.slice(0, -1).map((l) => JSON.parse(l) as { step: string; status: string });
    expect(steps.filter((e) => e.status === 'succeeded').map((e) => e.step)).toEqual(['first', 'second']);
    const final = JSON.parse(lines.slice(-1)[0] ?? '{}') as { id: string; status: string };
    expect(final.status).toBe('succeeded');
    const status = await reelay(['workflow', 'status', final.id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/workflow \S+ \(cli-flow\): succeeded/);
    expect(status.stdout).toMatch(/second\s+system\.sleep\s+succeeded/);
  });

  it('workflow submit of a file that is not JSON is a usage error that starts nothing', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{ not json');
    const run = await reelay(['workflow', 'submit', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not JSON');
  });

  it('a workflow whose step fails makes watch exit 1', async () => {
    const file = path.join(dir, 'failing.json');
    await writeFile(
      file,
      JSON.stringify({ steps: [{ id: 'boom', type: 'system.sleep', input: { ms: 10, failAttempts: 9 }, maxAttempts: 1 }] }),
    );
    const run = await reelay(['workflow', 'submit', file, '--watch']);
    expect(run.stdout).toMatch(/boom\s+failed/);
    expect(run.code).toBe(1);
  });
});

describe.concurrent('reelay -q and --version', () => {
  it('-q submit prints only the job id, so $(reelay -q submit …) hands it to the next command', async () => {
    const script = `id=$("$NODE" "$CLI" -q submit system.noop --project quiet) && "$NODE" "$CLI" --json status "$id"`;
    const run = await new Promise<Run>((resolve) => {
      execFile(
        '/bin/sh',
        ['-c', script],
        { env: { ...process.env, NODE: process.execPath, CLI: CLI_ENTRY, REELAY_URL: sys.url, REELAY_API_KEY: ADMIN_KEY } },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? -1) : 0, stdout, stderr }),
      );
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ type: 'system.noop', project: 'quiet' });
    const direct = await reelay(['-q', 'submit', 'system.noop', '--project', 'quiet']);
    expect(direct.code).toBe(0);
    expect(direct.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(direct.stderr).toBe('');
  });

  it('-q submit --wait prints only the id once the job finished, and -q ls one id per line', async () => {
    const waited = await reelay(['-q', 'submit', 'system.sleep', '--input', '{"ms":20}', '--project', 'quiet-ls', '--wait']);
    expect(waited.code).toBe(0);
    expect(waited.stderr).toBe('');
    const id = waited.stdout.trim();
    const other = (await reelay(['-q', 'submit', 'system.noop', '--project', 'quiet-ls'])).stdout.trim();
    const ls = await reelay(['-q', 'ls', '--project', 'quiet-ls']);
    expect(ls.stdout.trim().split('\n')).toEqual([other, id]);
  });

  it('--version prints the SDK package version; -q with --json is a usage error', async () => {
    const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
    const run = await reelay(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
    const both = await reelay(['-q', '--json', 'ls']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('cannot be used with');
  });
});

describe.concurrent('reelay schedules', () => {
  it('create, ls, show, pause, trigger, resume and rm a schedule; trigger -q prints the job id it submitted', async () => {
    const created = await reelay([
      'schedules',
      'create',
      '--id',
      'cli-hourly',
      '--cron',
      '0 * * * *',
      '--timezone',
      'Europe/Oslo',
      '--type',
      'system.sleep',
      '--input',
      '{"ms":10}',
      '--project',
      'cli-sched',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created schedule cli-hourly (cron "0 * * * *" Europe/Oslo)');

    const ls = await reelay(['schedules', 'ls', '--project', 'cli-sched']);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/^ID\s+PROJECT\s+WHEN\s+TYPE\s+PAUSED/);
    expect(ls.stdout).toMatch(/^cli-hourly\s+cli-sched\s+cron "0 \* \* \* \*" Europe\/Oslo\s+system\.sleep\s+no\s/m);
    expect((await reelay(['-q', 'schedules', 'ls', '--project', 'cli-sched'])).stdout).toBe('cli-hourly\n');

    expect((await reelay(['schedules', 'pause', 'cli-hourly'])).stdout).toContain('schedule cli-hourly paused');
    const show = await reelay(['--json', 'schedules', 'show', 'cli-hourly']);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: 'cli-hourly', paused: true, job: { type: 'system.sleep', input: { ms: 10 } } });

    const trigger = await reelay(['-q', 'schedules', 'trigger', 'cli-hourly', '--idempotency-key', 'cli-manual-1']);
    expect(trigger.code).toBe(0);
    const jobId = trigger.stdout.trim();
    const again = await reelay(['schedules', 'trigger', 'cli-hourly', '--idempotency-key', 'cli-manual-1']);
    expect(again.stdout).toContain(`already submitted ${jobId} from schedule cli-hourly`);
    const job = await createClient({ baseUrl: sys.url, apiKey: ADMIN_KEY }).wait(jobId, { timeoutMs: 30_000 });
    expect(job).toMatchObject({ status: 'succeeded', project: 'cli-sched', labels: { 'reelay.schedule': 'cli-hourly' } });

    expect((await reelay(['schedules', 'resume', 'cli-hourly'])).stdout).toContain('schedule cli-hourly active');
    expect((await reelay(['schedules', 'rm', 'cli-hourly'])).code).toBe(0);
    const gone = await reelay(['schedules', 'rm', 'cli-hourly']);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain('NOT_FOUND');
  });

  it('create --file takes the whole body; a second create with the same id exits 6', async () => {
    const file = path.join(dir, 'schedule.json');
    await writeFile(
      file,
      JSON.stringify({ id: 'cli-from-file', spec: { everyMs: 3_600_000 }, job: { type: 'system.noop' }, paused: true }),
    );
    const first = await reelay(['-q', 'schedules', 'create', '--file', file]);
    expect(first).toMatchObject({ code: 0, stdout: 'cli-from-file\n' });
    const again = await reelay(['schedules', 'create', '--file', file]);
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('CONFLICT');
    expect((await reelay(['schedules', 'rm', 'cli-from-file'])).code).toBe(0);
  });

  it('refuses incomplete or contradictory flags with exit 2 before sending anything, and a bad cron with the gateway’s 400', async () => {
    const missing = await reelay(['schedules', 'create', '--type', 'system.noop']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--cron EXPR or --every MS');
    expect((await reelay(['schedules', 'create', '--every', '500', '--type', 'system.noop'])).code).toBe(2);
    expect((await reelay(['schedules', 'create', '--every', '5000', '--cron', '* * * * *', '--type', 'system.noop'])).code).toBe(2);
    expect((await reelay(['schedules', 'create', '--every', '5000', '--type', 'system.noop', '--overlap', 'sometimes'])).code).toBe(2);
    const badCron = await reelay(['schedules', 'create', '--id', 'cli-bad', '--cron', '61 * * * *', '--type', 'system.noop']);
    expect(badCron.code).toBe(2);
    expect(badCron.stderr).toContain('INVALID_INPUT');
    expect((await reelay(['schedules', 'show', 'cli-bad'])).code).toBe(3);
  });
});

describe.concurrent('reelay batches', () => {
  it('batches status shows the counts by state until done; --jobs -q prints the job ids; an unknown batch exits 3', async () => {
    const client = createClient({ baseUrl: sys.url, apiKey: ADMIN_KEY });
    const batch = await client.submitBatch([
      { type: 'system.noop', input: {} },
      { type: 'system.sleep', input: { ms: 20 } },
    ]);
    const text = await waitUntil(
      async () => {
        const run = await reelay(['batches', 'status', batch.id]);
        return /done:\s+yes/.test(run.stdout) ? run.stdout : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the batch to finish' },
    );
    expect(text).toMatch(/jobs:\s+2/);
    expect(text).toMatch(/states:\s+succeeded 2/);
    const ids = await reelay(['-q', 'batches', 'status', batch.id, '--jobs']);
    expect(ids.stdout.trim().split('\n').sort()).toEqual([...batch.jobIds].sort());
    expect((await reelay(['batches', 'status', 'no-such-batch'])).code).toBe(3);
  });
});

describe.concurrent('reelay workflow wait', () => {
  it('workflow wait exits 0 once it succeeded, and 7 when --timeout passes first', async () => {
    const quick = path.join(dir, 'quick.json');
    await writeFile(quick, JSON.stringify({ steps: [{ id: 'only', type: 'system.noop', input: {} }] }));
    const id = (await reelay(['-q', 'workflow', 'submit', quick])).stdout.trim();
    const waited = await reelay(['workflow', 'wait', id]);
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/only\s+system\.noop\s+succeeded/);

    const slow = path.join(dir, 'slow.json');
    await writeFile(slow, JSON.stringify({ steps: [{ id: 'long', type: 'system.sleep', input: { ms: 60_000, steps: 60 } }] }));
    const slowId = (await reelay(['-q', 'workflow', 'submit', slow])).stdout.trim();
    const timedOut = await reelay(['workflow', 'wait', slowId, '--timeout', '300']);
    expect(timedOut.code).toBe(7);
    expect(timedOut.stderr).toContain('TIMEOUT');
    expect((await reelay(['-q', 'workflow', 'cancel', slowId])).stdout).toBe(`${slowId}\n`);
    expect((await reelay(['workflow', 'wait', slowId])).code).toBe(1);
  });
});

describe.concurrent('reelay lists and counts', () => {
  it('ls filters by label and status, --count counts the same filter by state, and a bad time is exit 2', async () => {
    const ok = await submitted(['system.noop', '--project', 'cli-filters']);
    const bad = await submitted([
      'system.sleep',
      '--input',
      '{"ms":10,"failAttempts":3}',
      '--max-attempts',
      '1',
      '--project',
      'cli-filters',
    ]);
    expect((await reelay(['watch', ok, bad])).code).toBe(1);
    // The store is fed from EVENTS: a finished job's row catches up a moment after watch saw it end.
    const failed = await waitUntil(
      async () => {
        const run = await reelay(['-q', 'ls', '--project', 'cli-filters', '--status', 'failed', '--type', 'system.sleep']);
        return run.stdout !== '' ? run : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the failed job in the store' },
    );
    expect(failed.stdout).toBe(`${bad}\n`);
    const oldestFirst = await reelay(['-q', 'ls', '--project', 'cli-filters', '--sort', 'createdAt']);
    expect(oldestFirst.stdout.trim().split('\n')).toEqual([ok, bad]);
    const counts = await waitUntil(
      async () => {
        const run = await reelay(['ls', '--count', '--project', 'cli-filters']);
        return /^succeeded:\s+1$/m.test(run.stdout) ? run : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the succeeded job in the store' },
    );
    expect(counts.code).toBe(0);
    expect(counts.stdout).toMatch(/^total:\s+2$/m);
    expect(counts.stdout).toMatch(/^succeeded:\s+1$/m);
    expect(counts.stdout).toMatch(/^failed:\s+1$/m);
    expect((await reelay(['ls', '--created-after', 'yesterday'])).code).toBe(2);
  });

  it('workflow ls and batches ls list the newest first with their jobs counted; -q prints their ids', async () => {
    const file = path.join(dir, 'listed.json');
    await writeFile(file, JSON.stringify({ project: 'cli-groups', steps: [{ id: 'one', type: 'system.noop', input: {} }] }));
    const wf = (await reelay(['-q', 'workflow', 'submit', file])).stdout.trim();
    expect((await reelay(['workflow', 'wait', wf])).code).toBe(0);
    const batch = await createClient({ baseUrl: sys.url, apiKey: ADMIN_KEY }).submitBatch([
      { type: 'system.noop', input: {}, project: 'cli-groups' },
    ]);

    const workflows = await waitUntil(
      async () => {
        const run = await reelay(['workflow', 'ls', '--project', 'cli-groups']);
        return /succeeded 1/.test(run.stdout) ? run.stdout : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the workflow to be listed as done' },
    );
    expect(workflows).toMatch(/^ID\s+PROJECT\s+JOBS\s+STATES\s+DONE/);
    expect(workflows).toMatch(new RegExp(`^${wf}\\s+cli-groups\\s+1\\s+succeeded 1\\s+yes`, 'm'));
    expect((await reelay(['-q', 'batches', 'ls', '--project', 'cli-groups'])).stdout).toBe(`${batch.id}\n`);
    expect((await reelay(['batches', 'ls', '--limit', '0'])).code).toBe(2);
  });
});

describe.concurrent('reelay dlq by filter', () => {
  it('requeue --dry-run lists the matches and changes nothing; discard needs --yes, then discards exactly them', async () => {
    const dead = [
      await submitted(['system.sleep', '--input', '{"ms":5,"failAttempts":3}', '--max-attempts', '1', '--project', 'cli-bulk']),
      await submitted(['system.sleep', '--input', '{"ms":5,"failAttempts":3}', '--max-attempts', '1', '--project', 'cli-bulk']),
    ];
    const bystander = await submitted([
      'system.sleep',
      '--input',
      '{"ms":5,"failAttempts":3}',
      '--max-attempts',
      '1',
      '--project',
      'cli-bulk-other',
    ]);
    await reelay(['watch', ...dead, bystander]);
    const client = createClient({ baseUrl: sys.url, apiKey: ADMIN_KEY });
    await waitUntil(async () => {
      const ids = (await client.listDeadLetters({ queue: 'system', limit: 500 })).map((d) => d.job.id);
      return [...dead, bystander].every((id) => ids.includes(id)) ? true : undefined;
    });

    const dry = await reelay(['dlq', 'requeue', '--project', 'cli-bulk', '--max-age-hours', '1', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run: 2 dead letters would be requeued; nothing changed');
    for (const id of dead) expect(dry.stdout).toContain(id);
    expect(dry.stdout).not.toContain(bystander);

    expect((await reelay(['dlq', 'requeue'])).code).toBe(2);
    expect((await reelay(['dlq', 'requeue', dead[0]!, '--project', 'cli-bulk'])).code).toBe(2);
    const unconfirmed = await reelay(['dlq', 'discard', '--project', 'cli-bulk']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');

    const discarded = await reelay(['-q', 'dlq', 'discard', '--project', 'cli-bulk', '--yes']);
    expect(discarded.code).toBe(0);
    expect(discarded.stdout.trim().split('\n').sort()).toEqual([...dead].sort());
    const left = (await client.listDeadLetters({ queue: 'system', limit: 500 })).map((d) => d.job.id);
    expect(left).toContain(bystander);
    expect(left.some((id) => dead.includes(id))).toBe(false);
  });
});

describe.concurrent('reelay audit', () => {
  it('audit shows who submitted a job, filtered by action and target; a key without admin exits 4', async () => {
    const id = await submitted(['system.noop', '--project', 'cli-audit']);
    const text = await waitUntil(
      async () => {
        const run = await reelay(['audit', '--action', 'job.submit', '--project', 'cli-audit']);
        return run.stdout.includes('admin') ? run.stdout : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the submit to be audited' },
    );
    expect(text).toMatch(/^\s*SEQ\s+AT\s+KEY\s+ACTION\s+OUTCOME/);
    expect(text).toMatch(/admin\s+job\.submit\s+ok\s+202\s+cli-audit/);
    const json = JSON.parse((await reelay(['--json', 'audit', '--action', 'job.submit', '--project', 'cli-audit'])).stdout) as {
      items: Array<{ target?: string; key?: { name: string } }>;
    };
    expect(json.items.map((r) => r.target)).toContain(id);
    expect((await reelay(['audit', '--action', 'job.frobnicate'])).code).toBe(2);
    const reader = await reelay(['audit'], { REELAY_API_KEY: READER_KEY });
    expect(reader.code).toBe(4);
    expect(reader.stderr).toContain('FORBIDDEN');
  });
});

describe.concurrent('reelay usage', () => {
  it('usage counts a project’s jobs by task type and outcome; a window ending before it starts is exit 2', async () => {
    expect((await reelay(['submit', 'system.noop', '--project', 'cli-usage', '--wait'])).code).toBe(0);
    const usage = await waitUntil(
      async () => {
        const run = await reelay(['--json', 'usage', '--project', 'cli-usage']);
        const body = JSON.parse(run.stdout) as { items: Array<{ type: string; jobs: number; succeeded: number }> };
        return body.items.find((r) => r.type === 'system.noop' && r.succeeded === 1) ? body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the job to be counted' },
    );
    expect(usage.items).toEqual([expect.objectContaining({ type: 'system.noop', jobs: 1, succeeded: 1 })]);
    const text = await reelay(['usage', '--project', 'cli-usage']);
    expect(text.stdout).toMatch(/^cli-usage\s+system\.noop\s+1\s+1\s+0\s+0\s/m);
    const backwards = await reelay(['usage', '--from', '2026-02-01T00:00:00Z', '--to', '2026-01-01T00:00:00Z']);
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toContain('INVALID_INPUT');
  });
});

describe.concurrent('reelay exit codes', () => {
  it('exits 2 for an unknown command or a bad option value', async () => {
    expect((await reelay(['frobnicate'])).code).toBe(2);
    expect((await reelay(['submit', 'system.noop', '--priority', '11'])).code).toBe(2);
    expect((await reelay(['submit', 'system.noop', '--input', '{not json'])).code).toBe(2);
  });

  it('exits 2 when the gateway rejects the input as invalid', async () => {
    const run = await reelay(['submit', 'system.sleep', '--input', '{"ms":"soon"}']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('INVALID_INPUT');
  });

  it('exits 3 for a job that does not exist', async () => {
    const run = await reelay(['status', '00000000-0000-7000-8000-000000000000']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('NOT_FOUND');
  });

  it('exits 4 for a wrong API key', async () => {
    const run = await reelay(['ls'], { REELAY_API_KEY: 'wrong-key-0123456789abcdef' });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('UNAUTHENTICATED');
  });

  it('exits 5 when the gateway cannot be reached', async () => {
    const run = await reelay(['--url', 'http://127.0.0.1:9', 'ls']);
    expect(run.code).toBe(5);
  });

  it('exits 6 when cancelling a job that already finished', async () => {
    const waited = await reelay(['--json', 'submit', 'system.noop', '--wait']);
    const { id } = JSON.parse(waited.stdout) as { id: string };
    const run = await reelay(['cancel', id]);
    expect(run.code).toBe(6);
  });

  it('exits 7 when submit --wait runs out of --timeout before the job finishes', async () => {
    const run = await reelay(['--json', 'submit', 'system.sleep', '--input', '{"ms":60000}', '--wait', '--timeout', '300']);
    expect(run.code).toBe(7);
  });
});

// A paused queue or a drained worker holds every other test's jobs: these run alone, after
// the concurrent ones (vitest runs a file's non-concurrent suites one at a time, in order).
describe('reelay queue and worker control', () => {
  it('queues, pause and resume show and flip the queue state', async () => {
    const list = await reelay(['queues']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+PAUSED\s+WORKERS/);
    expect(list.stdout).toMatch(/^system\s+no\s+/m);
    expect((await reelay(['pause', 'system'])).stdout).toContain('queue system paused');
    const one = await reelay(['--json', 'queues', 'system']);
    expect(JSON.parse(one.stdout)).toMatchObject({ name: 'system', paused: true });
    expect((await reelay(['resume', 'system'])).stdout).toContain('queue system resumed');
  });

  it('workers drain stops the scheduler taking jobs, resume lets the held job run; an unknown worker exits 3', async () => {
    const list = JSON.parse((await reelay(['--json', 'workers'])).stdout) as { items: Array<{ id: string; service: string }> };
    const scheduler = list.items.find((w) => w.service === 'scheduler')!.id;
    let held: string | undefined;
    try {
      const drained = await reelay(['workers', 'drain', scheduler]);
      expect(drained.code).toBe(0);
      expect(drained.stdout).toContain(`worker ${scheduler} draining`);
      held = (await reelay(['-q', 'submit', 'system.noop'])).stdout.trim();
    } finally {
      const resumed = await reelay(['-q', 'workers', 'resume', scheduler]);
      expect(resumed).toMatchObject({ code: 0, stdout: `${scheduler}\n` });
    }
    expect((await reelay(['watch', held!])).code).toBe(0);
    const unknown = await reelay(['workers', 'drain', 'no-such-worker-1']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('NOT_FOUND');
  });
});
