/**
 * `pnpm bench:store` — the SQL job store at scale, on SQLite and on PostgreSQL: with
 * N jobs stored (default 1,000,000), the gateway's RSS and time to ready, list and
 * filter latency over real HTTP (p50/p99), and the projector's events/s from EVENTS.
 * Measures, asserts nothing; the figures go to docs/benchmarks.md ("Job store").
 *
 *   pnpm bench:store -- --jobs 1000000 --events 200000 --backends sqlite,postgres
 *   pnpm bench:store -- --jobs 20000 --events 50000 --phases projector --store-module <dir>/index.js
 *
 * `--phases projector` stops after the projector (no gateway, no queries); `--store-module`
 * loads JobStore and JobProjector from another build of @reelay/job-store (a copy of an
 * earlier dist kept under packages/job-store/node_modules/, so its imports resolve), for
 * before/after runs of the same command, alternated.
 *
 *   pnpm bench:store -- --phases startup --startup-rounds 6 --gateway before=<dir>/main.js,after=services/gateway/dist/main.js
 *
 * `--phases startup` only starts the control gateway (an empty store and NATS server),
 * each `--gateway` build in turn (order reversed every other round), and reports the time
 * to `gateway ready` and the CPU the process used by then (from /proc): on a shared
 * machine the CPU is the figure to compare.
 *
 * The N jobs are bulk-loaded through the store's own upsert (JobStore.put, 5,000 per
 * transaction) — replaying a million events through NATS would measure nats-server's
 * disk, not the store. The projector is then timed on E real events published to
 * EVENTS (E/2 jobs, a queued and a succeeded event each) written on top of those rows.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type JobRecord, type JobStatus, jobEventSubject } from '@reelay/contracts';
import * as jobStoreBuild from '@reelay/job-store';
import { connectNats, createLogger, ensureTopology } from '@reelay/runtime';
import { type ServiceProcess, startNatsServer, startPostgresServer, startProcess } from '@reelay/runtime/testing';
import { trackDir, trackKill } from './exit-cleanup.js';
import { openCpuWindow, processTree } from './machine-load.js';
import { median, percentile, rate } from './statistics.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    jobs: { type: 'string', default: '1000000' },
    events: { type: 'string', default: '200000' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    rounds: { type: 'string', default: '200' },
    phases: { type: 'string', default: 'all' },
    'store-module': { type: 'string' },
    'startup-rounds': { type: 'string', default: '5' },
    gateway: { type: 'string' },
  },
});
const storeModule = values['store-module'];
const { JobProjector, JobStore } = (
  storeModule ? await import(pathToFileURL(path.resolve(storeModule)).href) : jobStoreBuild
) as typeof jobStoreBuild;
const PROJECTOR_ONLY = values.phases === 'projector';
const N = Number(values.jobs);
const E = Number(values.events);
const ROUNDS = Number(values.rounds);
const BACKENDS = String(values.backends).split(',') as ('sqlite' | 'postgres')[];
const GATEWAY = fileURLToPath(new URL('../../../services/gateway/dist/main.js', import.meta.url));
const ADMIN = 'bench-admin-key-0123456789';
const PROJECT_KEY = 'bench-p3-key-0123456789abc';
const log = createLogger({ service: 'store-bench', level: 'warn' });

const PROJECTS = Array.from({ length: 10 }, (_, i) => `p${i}`);
const TYPES = [
  'media.render',
  'media.thumbnails',
  'media.optimize',
  'ai.script',
  'ai.tts',
  'ai.captions',
  'publish.youtube',
  'publish.webhook',
];
const ERRORS = ['FFMPEG_FAILED', 'PROVIDER_ERROR', 'TIMEOUT'];
const HOURS_72 = 72 * 3_600_000;

/** A UUIDv7 for a given millisecond, so ids sort by createdAt as Reelay's do. */
function idAt(ms: number): string {
  const h = ms.toString(16).padStart(12, '0');
  const r = () =>
    Math.floor(Math.random() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${r().slice(1)}-${(8 + Math.floor(Math.random() * 4)).toString(16)}${r().slice(1)}-${r()}${r()}${r()}`;
}

/** The i-th of n synthetic jobs: a realistic mix of projects, types, states, labels and groups. */
function syntheticJob(i: number, n: number, end: number): JobRecord {
  const created = end - HOURS_72 + Math.floor((i / n) * HOURS_72);
  const roll = (i * 7919) % 100;
  const status: JobStatus =
    roll < 80 ? 'succeeded' : roll < 85 ? 'failed' : roll < 90 ? 'queued' : roll < 93 ? 'running' : roll < 95 ? 'cancelled' : 'scheduled';
  const group = Math.floor(i / 5);
  const job: JobRecord = {
    id: idAt(created),
    type: TYPES[i % TYPES.length] as string,
    queue: (TYPES[i % TYPES.length] as string).split('.')[0] as string,
    input: { source: `artifact-${i}`, width: 1080, height: 1920 },
    priority: 5,
    project: PROJECTS[Math.floor(i / 3) % PROJECTS.length] as string,
    maxAttempts: 3,
    createdAt: new Date(created).toISOString(),
    status,
    progress: status === 'succeeded' ? 100 : 0,
    attempts: status === 'queued' || status === 'scheduled' ? 0 : 1,
    freeRedeliveries: 0,
    errors: [],
    updatedAt: new Date(created + 1500 + (i % 1000)).toISOString(),
  };
  if (status !== 'queued' && status !== 'scheduled') job.startedAt = new Date(created + 500).toISOString();
  if (status === 'succeeded' || status === 'failed' || status === 'cancelled') job.finishedAt = job.updatedAt;
  if (status === 'succeeded') job.result = { ok: true, artifactId: `out-${i}` };
  if (status === 'failed') job.error = { code: ERRORS[i % ERRORS.length] as string, message: 'failed', retryable: false };
  if (i % 10 === 0) job.labels = { campaign: `c${(i / 10) % 10}` };
  if (group % 5 === 0) job.workflowId = idAt(end - HOURS_72 + Math.floor(((group * 5) / n) * HOURS_72));
  else if (group % 5 === 1) job.batchId = idAt(end - HOURS_72 + Math.floor(((group * 5) / n) * HOURS_72));
  return job;
}

/** CPU (user + system) a process has used so far, ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function rssMb(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(status.match(/VmRSS:\s+(\d+)/)?.[1]) / 1024);
  } catch {
    return Number.NaN;
  }
}

async function timeQuery(base: string, key: string, paths: string[]): Promise<{ p50: number; p99: number; status: number }> {
  const times: number[] = [];
  let status = 0;
  for (let i = 0; i < ROUNDS + 10; i++) {
    const p = paths[i % paths.length] as string;
    const t = performance.now();
    const res = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    status = res.status === 200 ? status || 200 : res.status;
    if (i >= 10) times.push(performance.now() - t);
  }
  return { p50: Math.round(percentile(times, 50) * 10) / 10, p99: Math.round(percentile(times, 99) * 10) / 10, status };
}

/** A gateway on an empty in-memory store and a fresh, empty NATS server, from spawn to ready. */
async function startControl(entry: string, keys: string): Promise<{ readyMs: number; cpuMs: number; rssMb: number }> {
  const empty = await startNatsServer();
  try {
    const t = performance.now();
    const control = startProcess(entry, { NATS_URL: empty.url, PORT: '0', REELAY_API_KEYS_FILE: keys, JOB_STORE_URL: 'sqlite::memory:' });
    try {
      await control.waitFor(/gateway ready on/, 120_000);
      return { readyMs: Math.round(performance.now() - t), cpuMs: cpuMs(control.proc.pid), rssMb: rssMb(control.proc.pid) };
    } finally {
      await control.kill('SIGTERM');
    }
  } finally {
    await empty.stop();
  }
}

async function writeKeys(dir: string): Promise<string> {
  const keys = path.join(dir, 'keys.json');
  await writeFile(
    keys,
    JSON.stringify([
      { name: 'admin', key: ADMIN, scopes: ['jobs:read', 'jobs:write', 'admin'], projects: ['*'] },
      { name: 'p3', key: PROJECT_KEY, scopes: ['jobs:read'], projects: ['p3'] },
    ]),
  );
  return keys;
}

/** `--phases startup`: the control gateway of each build, alternated, medians of wall and CPU to ready. */
async function benchStartup(): Promise<Record<string, unknown>> {
  const builds = (values.gateway ?? `this=${GATEWAY}`).split(',').map((v) => {
    const at = v.indexOf('=');
    return at < 0 ? { name: v, entry: path.resolve(v) } : { name: v.slice(0, at), entry: path.resolve(v.slice(at + 1)) };
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-startup-bench-'));
  const forgetDir = trackDir(dir);
  try {
    const keys = await writeKeys(dir);
    const runs = new Map(builds.map((b) => [b.name, { readyMs: [] as number[], cpuMs: [] as number[] }]));
    for (let round = 0; round < Number(values['startup-rounds']); round++) {
      for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
        const r = await startControl(build.entry, keys);
        runs.get(build.name)?.readyMs.push(r.readyMs);
        runs.get(build.name)?.cpuMs.push(r.cpuMs);
      }
    }
    const out: Record<string, unknown> = { load1After: Math.round((os.loadavg()[0] ?? 0) * 10) / 10 };
    for (const [name, r] of runs)
      out[name] = { readyMsMedian: median(r.readyMs), cpuMsMedian: median(r.cpuMs), readyMs: r.readyMs, cpuMs: r.cpuMs };
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
    forgetDir();
  }
}

async function benchBackend(backend: 'sqlite' | 'postgres'): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-store-bench-'));
  const forgetDir = trackDir(dir);
  const nats = await startNatsServer();
  const forgetNats = trackKill(() => void nats.kill());
  const pg = backend === 'postgres' ? await startPostgresServer({ durable: true }) : undefined;
  let gateway: ServiceProcess | undefined;
  const out: Record<string, unknown> = { backend };
  try {
    const url = pg ? await pg.createDatabase('bench') : path.join(dir, 'jobs.sqlite');
    const ctx = await connectNats({ url: nats.url, name: 'store-bench' });
    await ensureTopology(ctx, { queues: ['system'], ackWaitMs: 30_000, replicas: 1, eventsMaxAgeMs: HOURS_72 });
    const store = await JobStore.open(url);

    // 1. Bulk load N jobs through the store's upsert.
    const end = Date.now();
    let t = performance.now();
    const CHUNK = 5000;
    for (let i = 0; i < N; i += CHUNK) {
      const jobs: JobRecord[] = [];
      for (let j = i; j < Math.min(N, i + CHUNK); j++) jobs.push(syntheticJob(j, N, end));
      await store.put(jobs);
      if (i % 200_000 === 0 && i > 0) process.stderr.write(`  ${backend}: ${i} jobs loaded\n`);
    }
    out.loadJobsPerS = rate(N, performance.now() - t);
    await store.analyze();

    // 2. The projector on E real events from EVENTS, on top of those rows.
    const pubs: Promise<unknown>[] = [];
    for (let i = 0; i < E / 2; i++) {
      const created = Date.now();
      const queued = {
        ...syntheticJob(i, E / 2, end),
        id: idAt(created),
        status: 'queued' as const,
        createdAt: new Date(created).toISOString(),
      };
      queued.updatedAt = queued.createdAt;
      const done = { ...queued, status: 'succeeded' as const, progress: 100, updatedAt: new Date(created + 5).toISOString() };
      pubs.push(ctx.js.publish(jobEventSubject(queued.id), JSON.stringify({ kind: 'state', job: queued })));
      pubs.push(ctx.js.publish(jobEventSubject(done.id), JSON.stringify({ kind: 'state', job: done })));
      if (pubs.length >= 2000) await Promise.all(pubs.splice(0));
    }
    await Promise.all(pubs);
    const projector = new JobProjector({ ctx, store, log });
    t = performance.now();
    const cpu = process.cpuUsage();
    // PostgreSQL's own CPU: the postmaster (its pid heads postmaster.pid) and its backends.
    const postmaster = pg ? Number(readFileSync(path.join(pg.dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0]) : 0;
    const serverCpu = pg ? openCpuWindow(() => processTree(postmaster)) : undefined;
    await projector.start();
    await projector.caughtUp();
    out.projectorEventsPerS = rate(projector.eventsApplied, performance.now() - t);
    // This process's CPU (NATS client, parsing, the upserts; for SQLite the database
    // too): unlike the wall-clock rate it barely moves with the machine's load.
    const used = process.cpuUsage(cpu);
    out.projectorCpuMsPer1kEvents = Math.round(((used.user + used.system) / projector.eventsApplied) * 10) / 10;
    if (serverCpu) {
      const account = serverCpu.close();
      out.projectorServerCpuMsPer1kEvents = Math.round(((account.ownCores * account.elapsedMs) / projector.eventsApplied) * 10_000) / 10;
    }
    out.load1AfterProjector = Math.round((os.loadavg()[0] ?? 0) * 10) / 10;
    await projector.stop();
    out.rows = await store.size();
    await store.close();
    await ctx.nc.close();
    if (PROJECTOR_ONLY) return out;

    // 3. A gateway on that store: time to ready, RSS.
    const keys = await writeKeys(dir);
    // The control: the same gateway on an empty store and a NATS server with no events —
    // what start-up costs without any jobs on this (shared, loaded) machine.
    const control = await startControl(GATEWAY, keys);
    out.readyMsEmptyStore = control.readyMs;
    out.readyCpuMsEmptyStore = control.cpuMs;
    out.rssAtReadyEmptyStoreMb = control.rssMb;
    t = performance.now();
    gateway = startProcess(GATEWAY, { NATS_URL: nats.url, PORT: '0', REELAY_API_KEYS_FILE: keys, JOB_STORE_URL: url, LOG_LEVEL: 'info' });
    await gateway.waitFor(/gateway ready on/, 120_000);
    out.readyMs = Math.round(performance.now() - t);
    out.readyCpuMs = cpuMs(gateway.proc.pid);
    out.rssAtReadyMb = rssMb(gateway.proc.pid);
    const base = gateway.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '';

    // 4. Lists and filters over HTTP, one request at a time.
    const mid = new Date(end - HOURS_72 / 2).toISOString();
    const midEnd = new Date(end - HOURS_72 / 2 + 3_600_000).toISOString();
    const page = (await (await fetch(`${base}/v1/jobs?limit=50`, { headers: { authorization: `Bearer ${PROJECT_KEY}` } })).json()) as {
      nextCursor?: string;
    };
    const queries: [string, string, string[]][] = [
      ['list, admin (all projects)', ADMIN, ['/v1/jobs?limit=50']],
      ['list, one project', PROJECT_KEY, ['/v1/jobs?limit=50']],
      ['next page (cursor)', PROJECT_KEY, [`/v1/jobs?limit=50&cursor=${page.nextCursor}`]],
      ['filter type', PROJECT_KEY, TYPES.map((ty) => `/v1/jobs?limit=50&type=${ty}`)],
      ['filter status=failed', PROJECT_KEY, ['/v1/jobs?limit=50&status=failed']],
      ['filter type+status', PROJECT_KEY, TYPES.map((ty) => `/v1/jobs?limit=50&type=${ty}&status=succeeded`)],
      ['filter errorCode', PROJECT_KEY, ERRORS.map((e) => `/v1/jobs?limit=50&errorCode=${e}`)],
      ['filter label', PROJECT_KEY, ['/v1/jobs?limit=50&label=campaign:c4']],
      ['filter created 1 h window', PROJECT_KEY, [`/v1/jobs?limit=50&createdAfter=${mid}&createdBefore=${midEnd}`]],
      ['sort -updatedAt', PROJECT_KEY, ['/v1/jobs?limit=50&sort=-updatedAt']],
      ['admin filter type', ADMIN, TYPES.map((ty) => `/v1/jobs?limit=50&type=${ty}`)],
      ['admin filter queue+status', ADMIN, ['/v1/jobs?limit=50&queue=media&status=failed']],
      ['workflows list', PROJECT_KEY, ['/v1/workflows?limit=50']],
      ['batches list', PROJECT_KEY, ['/v1/batches?limit=50']],
      ['counts, one project', PROJECT_KEY, ['/v1/jobs/counts']],
      ['counts, project+type', PROJECT_KEY, TYPES.map((ty) => `/v1/jobs/counts?type=${ty}`)],
      ['counts, admin (all jobs)', ADMIN, ['/v1/jobs/counts']],
    ];
    const latencies: Record<string, unknown> = {};
    for (const [name, key, paths] of queries) latencies[name] = await timeQuery(base, key, paths);
    const scrape = performance.now();
    await (await fetch(`${base}/metrics`)).text();
    latencies['/metrics scrape (once)'] = Math.round(performance.now() - scrape);
    out.latencyMs = latencies;
    out.rssAfterQueriesMb = rssMb(gateway.proc.pid);
    return out;
  } finally {
    await gateway?.kill('SIGTERM');
    await pg?.stop();
    await nats.stop();
    forgetNats();
    await rm(dir, { recursive: true, force: true });
    forgetDir();
  }
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
process.stdout.write(
  `bench:store — ${N} jobs stored, ${E} projector events, ${ROUNDS} requests per query; store ${storeModule ?? '@reelay/job-store'}; ${machine}; load ${os.loadavg()[0]?.toFixed(1)}\n`,
);
if (values.phases === 'startup') process.stdout.write(`${JSON.stringify(await benchStartup(), null, 2)}\n`);
else {
  for (const backend of BACKENDS) {
    const result = await benchBackend(backend);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}
