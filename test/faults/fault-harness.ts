/**
 * The fault suite's harness: Reelay as real processes (gateway, scheduler, recording
 * workers) against a nats-server or cluster the test controls, a bounded load of job
 * submissions over real HTTP, and the reconciliation at the end that reads every job's
 * record and every handler run. The tests choose the fault and the moment; this file
 * only counts. It is not a benchmark: rates are modest and fixed, so the figures say
 * what was lost or repeated, not how fast anything is.
 */
import { createRequire } from 'node:module';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { JobRecord } from '@reelay/contracts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The root package depends on no workspace package: load them as a service would.
const fromScheduler = createRequire(join(ROOT, 'services/scheduler/package.json'));
const load = async <T>(name: string): Promise<T> => (await import(pathToFileURL(fromScheduler.resolve(name)).href)) as T;
export const testing = await load<typeof import('@reelay/runtime/testing')>('@reelay/runtime/testing');
const runtime = await load<typeof import('@reelay/runtime')>('@reelay/runtime');
export const contracts = await load<typeof import('@reelay/contracts')>('@reelay/contracts');
type ServiceProcess = import('@reelay/runtime/testing').ServiceProcess;

const GATEWAY = join(ROOT, 'services/gateway/dist/main.js');
const SCHEDULER = join(ROOT, 'services/scheduler/dist/main.js');
const RECORDING_WORKER = join(ROOT, 'test/faults/recording-worker.mjs');
export const API_KEY = 'fault-suite-key-0123456789abcdef';
/** The recording workers' task: system.sleep's contract on a queue no other worker serves. */
export const FAULT_TASK = 'faults.sleep';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RunEntry {
  event: 'start' | 'end';
  job: string;
  attempt: number;
  pid: number;
  at: number;
}

export interface FaultSystemOptions {
  /** NATS_URL for every process: one server, or a cluster's comma-separated list. */
  natsUrl: string;
  ackWaitMs: number;
  replicas?: number;
  workers?: number;
  workerConcurrency?: number;
}

export interface FaultSystem {
  url: string;
  gateway: ServiceProcess;
  scheduler: ServiceProcess;
  workers: ServiceProcess[];
  /** The harness's own NATS connection (reconnects across faults), for reading state. */
  ctx: import('@reelay/runtime').NatsContext;
  startWorker(): Promise<ServiceProcess>;
  /** Every handler start and end the recording workers logged, in time order. */
  runs(): Promise<RunEntry[]>;
  /** Every job record in the EVENTS stream (accepted or not), read over NATS. */
  records(): Promise<Map<string, JobRecord>>;
  /** GET /v1/jobs/:id over HTTP: the record, or undefined on 404. */
  job(id: string): Promise<JobRecord | undefined>;
  close(): Promise<void>;
}

/** The gateway, one scheduler and `workers` recording workers, as processes. */
export async function startFaultSystem(options: FaultSystemOptions): Promise<FaultSystem> {
  const dir = await mkdtemp(join(os.tmpdir(), 'reelay-faults-'));
  const keysFile = join(dir, 'api-keys.json');
  await writeFile(
    keysFile,
    JSON.stringify([{ name: 'faults', key: API_KEY, scopes: ['jobs:write', 'jobs:read', 'admin'], projects: ['*'] }]),
  );
  const env = {
    NATS_URL: options.natsUrl,
    ACK_WAIT_MS: String(options.ackWaitMs),
    STREAM_REPLICAS: String(options.replicas ?? 1),
    SHUTDOWN_GRACE_MS: '2000',
  };
  const processes: ServiceProcess[] = [];
  const workers: ServiceProcess[] = [];
  const ctx = await runtime.connectNats({ url: options.natsUrl, name: 'fault-reconciler' });
  const store = new runtime.JobStore(ctx);
  const start = async (entry: string, extra: Record<string, string>, ready: RegExp) => {
    const p = testing.startProcess(entry, { ...env, ...extra });
    processes.push(p);
    const exited = new Promise<never>((_, reject) =>
      p.proc.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before it was ready:\n${p.output().slice(-3_000)}`))),
    );
    await Promise.race([p.waitFor(ready, 60_000), exited]);
    return p;
  };
  let workerCount = 0;
  const system: FaultSystem = {
    url: '',
    gateway: undefined as unknown as ServiceProcess,
    scheduler: undefined as unknown as ServiceProcess,
    workers,
    ctx,
    async startWorker() {
      workerCount += 1;
      const w = await start(
        RECORDING_WORKER,
        { WORKER_CONCURRENCY: String(options.workerConcurrency ?? 20), FAULT_RUN_LOG: join(dir, `runs-${workerCount}.jsonl`) },
        /recording worker ready/,
      );
      workers.push(w);
      return w;
    },
    async runs() {
      const files = (await readdir(dir)).filter((f) => f.startsWith('runs-'));
      const lines = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).flatMap((t) => t.split('\n'));
      return lines
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as RunEntry)
        .sort((a, b) => a.at - b.at);
    },
    async records() {
      const info = await ctx.jsm.streams.info(contracts.EVENTS_STREAM, { subjects_filter: contracts.jobEventSubject('*') });
      const ids = Object.keys(info.state.subjects ?? {}).map((s) => s.slice(contracts.jobEventSubject('').length));
      const out = new Map<string, JobRecord>();
      await inBatches(ids, 64, async (id) => {
        const job = await store.get(id);
        if (job) out.set(id, job);
      });
      return out;
    },
    async job(id) {
      const res = await fetch(`${system.url}/v1/jobs/${id}`, {
        headers: { authorization: `Bearer ${API_KEY}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET /v1/jobs/${id} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as JobRecord;
    },
    async close() {
      await Promise.all(processes.map((p) => p.kill('SIGKILL')));
      await ctx.nc.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    // One at a time: the gateway creates the topology (R3 streams take a while), the rest find it.
    system.gateway = await start(
      GATEWAY,
      { PORT: '0', REELAY_API_KEYS_FILE: keysFile, RATE_LIMIT_PER_MINUTE: '10000000' },
      /gateway ready on/,
    );
    system.url = system.gateway.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '';
    system.scheduler = await start(SCHEDULER, {}, /scheduler ready/);
    for (let i = 0; i < (options.workers ?? 2); i++) await system.startWorker();
  } catch (err) {
    await system.close();
    throw err;
  }
  return system;
}

// ---- load ----

/** One HTTP answer to POST /v1/jobs (status 0: no answer — a timeout or a broken connection). */
export interface Answer {
  key: string;
  sentAt: number;
  at: number;
  status: number;
  failure?: string;
  /** The `{error:{code,message}}` envelope was there. */
  envelope: boolean;
  code?: string;
  retryAfter?: string;
  id?: string;
}

export interface LoadOptions {
  /** Idempotency-Key prefix; submission n sends `${name}-${n}`. */
  name: string;
  body: (n: number) => unknown;
  maxSubmissions: number;
  durationMs: number;
  ratePerSec: number;
  maxInFlight: number;
  /** How long after the load window a submission that got no 2xx keeps retrying. */
  retryForMs: number;
  requestTimeoutMs?: number;
}

export interface Load {
  name: string;
  answers: Answer[];
  /** Idempotency key → job id, for submissions that got a 2xx. */
  accepted: Map<string, string>;
  /** Submissions answered 4xx (never retried) or that never got a 2xx before giving up. */
  refused: string[];
  gaveUp: string[];
  submitted: () => number;
  /** Resolves when the window closed (or every submission was made) and each one is answered or given up. */
  finish(): Promise<void>;
}

/**
 * A careful client: each submission carries an Idempotency-Key, and a 5xx, a 429 or no
 * answer is retried with the same key after Retry-After (capped at 2 s; 500 ms without
 * one) until it gets a 2xx or `retryForMs` past the window. Bounded in submissions, in
 * time and in requests in flight, so an outage slows it down instead of piling up.
 */
export function startLoad(system: FaultSystem, options: LoadOptions): Load {
  const answers: Answer[] = [];
  const accepted = new Map<string, string>();
  const refused: string[] = [];
  const gaveUp: string[] = [];
  const startedAt = Date.now();
  const windowEnd = startedAt + options.durationMs;
  let submitted = 0;
  const inFlight = new Set<Promise<void>>();

  const post = async (key: string, body: unknown): Promise<Answer> => {
    const sentAt = Date.now();
    try {
      const res = await fetch(`${system.url}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 20_000),
      });
      const text = await res.text();
      let parsed: { id?: unknown; error?: { code?: unknown; message?: unknown } } = {};
      try {
        parsed = JSON.parse(text);
      } catch {}
      const envelope = typeof parsed.error?.code === 'string' && typeof parsed.error?.message === 'string';
      const answer: Answer = { key, sentAt, at: Date.now(), status: res.status, envelope };
      if (envelope) answer.code = parsed.error?.code as string;
      const retryAfter = res.headers.get('retry-after');
      if (retryAfter !== null) answer.retryAfter = retryAfter;
      if (typeof parsed.id === 'string') answer.id = parsed.id;
      return answer;
    } catch (err) {
      return { key, sentAt, at: Date.now(), status: 0, envelope: false, failure: (err as Error).name };
    }
  };

  const submit = async (n: number) => {
    const key = `${options.name}-${n}`;
    const body = options.body(n);
    for (let tries = 1; ; tries++) {
      const answer = await post(key, body);
      answers.push(answer);
      if (answer.status >= 200 && answer.status < 300 && answer.id) {
        accepted.set(key, answer.id);
        return;
      }
      if (answer.status >= 400 && answer.status < 500 && answer.status !== 429) {
        refused.push(key);
        return;
      }
      if (Date.now() > windowEnd + options.retryForMs || tries >= 100) {
        gaveUp.push(key);
        return;
      }
      const seconds = Number(answer.retryAfter);
      await sleep(Number.isFinite(seconds) && answer.retryAfter !== undefined ? Math.min(2_000, Math.max(100, seconds * 1_000)) : 500);
    }
  };

  const loop = (async () => {
    const gap = 1_000 / options.ratePerSec;
    while (submitted < options.maxSubmissions && Date.now() < windowEnd) {
      if (inFlight.size >= options.maxInFlight) {
        await Promise.race(inFlight);
        continue;
      }
      const p = submit(submitted++).finally(() => inFlight.delete(p));
      inFlight.add(p);
      await sleep(gap);
    }
    await Promise.all(inFlight);
  })();

  return {
    name: options.name,
    answers,
    accepted,
    refused,
    gaveUp,
    submitted: () => submitted,
    finish: () => loop,
  };
}

// ---- settling and counting ----

/**
 * Waits until every accepted job and every record in the system is terminal, or
 * `limitMs` passes. Returns how long it took (limitMs when it never settled).
 */
export async function settle(system: FaultSystem, load: Load, limitMs: number): Promise<number> {
  const from = Date.now();
  const acceptedIds = [...load.accepted.values()];
  while (Date.now() - from < limitMs) {
    try {
      const records = await system.records();
      const allAccepted = acceptedIds.every((id) => records.has(id));
      if (allAccepted && [...records.values()].every((r) => contracts.isTerminal(r.status))) return Date.now() - from;
    } catch {
      // NATS still coming back: look again.
    }
    await sleep(1_000);
  }
  return limitMs;
}

export interface Figures {
  submissions: number;
  accepted: number;
  refused: number;
  gaveUp: number;
  requests: number;
  answered2xx: number;
  answered5xx: number;
  answered503: number;
  answered500: number;
  noAnswer: number;
  /** Error answers that were not a 503 with the envelope and Retry-After (no answer counts). */
  badErrors: number;
  /** Of those, 503s that had the envelope but no Retry-After. */
  missingRetryAfter: number;
  succeeded: number;
  /** Accepted, and settled as anything but succeeded, or with no record at all. */
  lost: number;
  lostNoRecord: number;
  /** Records (accepted or not, the scheduler's upkeep jobs too) still not terminal after the settle period. */
  stuck: number;
  stuckAccepted: number;
  /** Records of this load's submissions with an id no 2xx gave (the client saw only errors for it). */
  orphanRecords: number;
  orphanSucceeded: number;
  /** Jobs whose handler started more than once (from the recording workers' logs). */
  runTwice: number;
  /** Of those, jobs whose record shows fewer attempts than the handler had starts. */
  runTwiceUnrecorded: number;
  /** Records whose history says WORKER_LOST. */
  workerLostInHistory: number;
  /** Idempotency keys that name more than one job record. */
  duplicateJobsForOneKey: number;
  settleMs: number;
}

/** Reads every accepted job's record over HTTP, every record over NATS, and the run logs. */
export async function reconcile(
  system: FaultSystem,
  load: Load,
  settleMs: number,
): Promise<{ figures: Figures; samples: Record<string, unknown> }> {
  const answers = load.answers;
  const isOk = (a: Answer) => a.status >= 200 && a.status < 300;
  const bad = answers.filter((a) => !isOk(a) && !(a.status === 503 && a.envelope && a.retryAfter !== undefined));
  const acceptedIds = new Set(load.accepted.values());
  const acceptedRecords = new Map<string, JobRecord | undefined>();
  await inBatches([...acceptedIds], 16, async (id) => {
    acceptedRecords.set(id, await system.job(id));
  });
  const records = await system.records();
  const runs = await system.runs();
  const starts = new Map<string, number>();
  for (const r of runs) if (r.event === 'start') starts.set(r.job, (starts.get(r.job) ?? 0) + 1);
  const byKey = new Map<string, Set<string>>();
  for (const r of records.values()) {
    if (!r.idempotencyKey) continue;
    byKey.set(r.idempotencyKey, (byKey.get(r.idempotencyKey) ?? new Set()).add(r.id));
  }
  const accepted = [...acceptedRecords.entries()];
  const lost = accepted.filter(([, r]) => !r || (contracts.isTerminal(r.status) && r.status !== 'succeeded'));
  const stuck = [...records.values()].filter((r) => !contracts.isTerminal(r.status));
  // Jobs of this load's submissions that the client was never told of (it saw only errors).
  const orphans = [...records.values()].filter((r) => r.idempotencyKey?.startsWith(`${load.name}-`) && !acceptedIds.has(r.id));
  const runTwice = [...starts.entries()].filter(([, n]) => n > 1);
  const workerLost = [...records.values()].filter((r) => r.errors.some((e) => e.code === 'WORKER_LOST'));
  const figures: Figures = {
    submissions: load.submitted(),
    accepted: load.accepted.size,
    refused: load.refused.length,
    gaveUp: load.gaveUp.length,
    requests: answers.length,
    answered2xx: answers.filter(isOk).length,
    answered5xx: answers.filter((a) => a.status >= 500).length,
    answered503: answers.filter((a) => a.status === 503).length,
    answered500: answers.filter((a) => a.status === 500).length,
    noAnswer: answers.filter((a) => a.status === 0).length,
    badErrors: bad.length,
    missingRetryAfter: bad.filter((a) => a.status === 503 && a.envelope).length,
    succeeded: accepted.filter(([, r]) => r?.status === 'succeeded').length,
    lost: lost.length,
    lostNoRecord: lost.filter(([, r]) => !r).length,
    stuck: stuck.length,
    stuckAccepted: stuck.filter((r) => acceptedIds.has(r.id)).length,
    orphanRecords: orphans.length,
    orphanSucceeded: orphans.filter((r) => r.status === 'succeeded').length,
    runTwice: runTwice.length,
    runTwiceUnrecorded: runTwice.filter(([id, n]) => (records.get(id)?.attempts ?? 0) < n).length,
    workerLostInHistory: workerLost.length,
    duplicateJobsForOneKey: [...byKey.values()].filter((ids) => ids.size > 1).length,
    settleMs,
  };
  const sample = <T>(xs: T[]) => xs.slice(0, 3);
  const brief = (r: JobRecord | undefined) =>
    r && {
      id: r.id,
      status: r.status,
      attempts: r.attempts,
      errors: r.errors.map((e) => e.code),
      key: r.idempotencyKey,
      updatedAt: r.updatedAt,
    };
  const samples = {
    badErrors: sample(bad),
    badErrorKinds: countBy(
      bad,
      (a) => `${a.status} ${a.code ?? a.failure ?? '(no envelope)'}${a.retryAfter === undefined ? '' : ' +Retry-After'}`,
    ),
    lost: sample(lost).map(([id, r]) => brief(r) ?? { id, record: 'none' }),
    stuck: sample(stuck).map(brief),
    stuckKinds: countBy(stuck, (r) => `${r.status}${acceptedIds.has(r.id) ? ' accepted' : ' orphan'}`),
    runTwice: sample(runTwice).map(([id]) => ({
      id,
      starts: runs
        .filter((r) => r.job === id && r.event === 'start')
        .map((r) => ({ attempt: r.attempt, pid: r.pid, at: new Date(r.at).toISOString() })),
      record: brief(records.get(id)),
    })),
    workerLost: sample(workerLost).map(brief),
  };
  return { figures, samples };
}

/**
 * Error answers to requests that were not in flight at any moment of any window
 * [from, to] (ms since the epoch): failures the fault does not explain. A request sent
 * just before a fault, or during it, may be held until the gateway's JetStream timeout
 * and fail long after the window; one sent after the window has no excuse.
 */
export function errorsOutside(answers: Answer[], windows: [number, number][]): Answer[] {
  return answers.filter((a) => !(a.status >= 200 && a.status < 300) && !windows.some(([from, to]) => a.sentAt <= to && a.at >= from));
}

/** The first 2xx answered at or after `t` (with `sentAfter`, to a request sent at or after it), or undefined. */
export function firstOkAfter(answers: Answer[], t: number, options: { sentAfter?: boolean } = {}): Answer | undefined {
  return answers
    .filter((a) => a.status >= 200 && a.status < 300 && (options.sentAfter ? a.sentAt : a.at) >= t)
    .sort((a, b) => a.at - b.at)[0];
}

/**
 * Answers per second relative to `t0` (the fault), sent → answered, e.g.
 * `{"-1": "2xx 20", "0": "2xx 3 503 4", ...}`: what the figures' timing comes from.
 */
export function timeline(answers: Answer[], t0: number): Record<string, string> {
  const buckets = new Map<number, Map<string, number>>();
  for (const a of answers) {
    const second = Math.floor((a.at - t0) / 1_000);
    const kind = a.status >= 200 && a.status < 300 ? '2xx' : a.status === 0 ? (a.failure ?? 'none') : String(a.status);
    const b = buckets.get(second) ?? new Map<string, number>();
    b.set(kind, (b.get(kind) ?? 0) + 1);
    buckets.set(second, b);
  }
  return Object.fromEntries(
    [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([second, b]) => [String(second), [...b.entries()].map(([k, n]) => `${k} ${n}`).join(' ')]),
  );
}

/** One line of figures in the test output: what docs/reliability.md quotes. */
export function report(name: string, figures: object): void {
  process.stdout.write(`fault figures ${name}: ${JSON.stringify(figures)}\n`);
}

function countBy<T>(xs: T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

async function inBatches<T>(items: T[], size: number, each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}
