import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EVENTS_STREAM, type JobRecord, jobEventSubject } from '@reelay/contracts';
import { connectNats, createLogger, ensureTopology, type NatsContext, newJobId } from '@reelay/runtime';
import { type NatsServerHandle, type PostgresServerHandle, startNatsServer, startPostgresServer } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { type JobFilter, JobProjector, JobStore, parseStoreUrl } from '../src/index.js';
import { MIGRATIONS, type StoreTables } from '../src/schema.js';

const log = createLogger({ service: 'job-store-test', level: 'silent' });
let pgServer: PostgresServerHandle;
let dir: string;

beforeAll(async () => {
  pgServer = await startPostgresServer();
  dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-job-store-'));
});
afterAll(async () => {
  await pgServer?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

let databases = 0;
/** A fresh, empty store of each backend. */
const backends = {
  sqlite: async () => path.join(dir, `store-${++databases}.sqlite`),
  postgres: async () => pgServer.createDatabase(`store_${++databases}`),
};

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function job(over: Partial<JobRecord> = {}): JobRecord {
  return {
    id: newJobId(),
    type: 'media.render',
    queue: 'media',
    input: {},
    priority: 5,
    project: 'alpha',
    maxAttempts: 3,
    createdAt: at(0),
    status: 'queued',
    progress: 0,
    attempts: 0,
    freeRedeliveries: 0,
    errors: [],
    updatedAt: at(0),
    ...over,
  };
}

describe.each(Object.keys(backends) as (keyof typeof backends)[])('the job store on %s', (backend) => {
  let store: JobStore;
  beforeAll(async () => {
    store = await JobStore.open(await backends[backend]());
  });
  afterAll(async () => {
    await store?.close();
  });

  it('a late or repeated event never overwrites a newer state', async () => {
    const queued = job();
    const running = { ...queued, status: 'running' as const, attempts: 1, startedAt: at(1), updatedAt: at(1) };
    const done = { ...running, status: 'succeeded' as const, progress: 100, finishedAt: at(2), updatedAt: at(2) };
    await store.apply([{ seq: 3, job: done }], { name: 'p', seq: 3, streamCreated: 's' });
    // The older events arrive late (another gateway, a replay), then the same one again.
    const changed = await store.apply(
      [
        { seq: 1, job: queued },
        { seq: 2, job: running },
      ],
      { name: 'p', seq: 2, streamCreated: 's' },
    );
    expect(changed.size).toBe(0);
    await store.put([queued]);
    expect((await store.get(queued.id))?.status).toBe('succeeded');
    // The checkpoint moves forward only.
    expect((await store.checkpoint('p'))?.seq).toBe(3);
    // At the same updatedAt, the later stream position wins.
    const progress = { ...done, status: 'running' as const, progress: 50, finishedAt: undefined, updatedAt: at(5) };
    const finished = { ...done, updatedAt: at(5) };
    await store.apply(
      [
        { seq: 9, job: finished },
        { seq: 8, job: progress },
      ],
      { name: 'p', seq: 9, streamCreated: 's' },
    );
    expect((await store.get(queued.id))?.status).toBe('succeeded');
  });

  it('a batch of any size is written whole, and reports only the rows it changed', async () => {
    const fresh = Array.from({ length: 37 }, (_, i) => job({ updatedAt: at(i) }));
    const kept = job({ status: 'succeeded', updatedAt: at(100) });
    await store.put([kept]);
    const stale = { ...kept, status: 'queued' as const, updatedAt: at(1) };
    const events = [...fresh.map((j, i) => ({ seq: 100 + i, job: j })), { seq: 99, job: stale }];
    const changed = await store.apply(events, { name: 'sizes', seq: 137, streamCreated: 's' });
    expect([...changed].sort()).toEqual(fresh.map((j) => j.id).sort());
    for (const j of fresh) expect((await store.get(j.id))?.updatedAt).toBe(j.updatedAt);
    expect((await store.get(kept.id))?.status).toBe('succeeded');
  });

  it('a job’s record is stored as its exact JSON, whatever its strings and numbers hold, and its columns from it', async () => {
    const odd = job({
      project: 'p "quoted" \\ back',
      type: 'media.render',
      input: { text: 'Zoë says "hi" \\ \n\t\u0001 — 日本 🎬', nested: [1, 0.1, -1.5e-7, 1e21, 2 ** 53, null, true, { a: [] }], empty: '' },
      labels: { 'key "q"': 'välue\\' },
      status: 'failed',
      error: { code: 'FFMPEG_FAILED', message: 'exit 1: "moov atom not found"', retryable: false },
      attempts: 2,
      startedAt: at(1),
      finishedAt: at(2),
      updatedAt: at(2),
    });
    const many = Array.from({ length: 1_201 }, (_, i) => job({ project: 'bulk', createdAt: at(i), updatedAt: at(i) }));
    await store.apply(
      [...many, odd].map((j, i) => ({ seq: i + 1, job: j })),
      { name: 'round-trip', seq: many.length + 1, streamCreated: 's' },
    );
    const raw = await store.db.selectFrom('jobs').selectAll().where('id', '=', odd.id).executeTakeFirstOrThrow();
    expect(raw.record).toBe(JSON.stringify(odd));
    expect(raw).toMatchObject({
      project: odd.project,
      status: 'failed',
      error_code: 'FFMPEG_FAILED',
      attempts: 2,
      created_ms: T0,
      updated_ms: T0 + 2_000,
      started_ms: T0 + 1_000,
      finished_ms: T0 + 2_000,
      seq: many.length + 1,
      workflow_id: null,
      batch_id: null,
    });
    expect(await store.get(odd.id)).toEqual(odd);
    expect((await store.list({ projects: [odd.project], label: { key: 'key "q"', value: 'välue\\' } }, { limit: 5 })).items).toEqual([odd]);
    expect((await store.count({ projects: ['bulk'] })).total).toBe(many.length);
  });

  it('lists newest first within the caller’s projects, pages by cursor, and filters by every field', async () => {
    const wf = newJobId();
    const batch = newJobId();
    const jobs = [
      job({ project: 'p1', type: 'ai.script', queue: 'ai', labels: { campaign: 'spring' }, createdAt: at(10), updatedAt: at(10) }),
      job({ project: 'p1', type: 'media.render', workflowId: wf, createdAt: at(20), updatedAt: at(40) }),
      job({
        project: 'p1',
        type: 'media.render',
        status: 'failed',
        error: { code: 'FFMPEG_FAILED', message: 'x', retryable: false },
        batchId: batch,
        createdAt: at(30),
        updatedAt: at(31),
      }),
      job({ project: 'p2', type: 'media.render', labels: { campaign: 'spring' }, createdAt: at(40), updatedAt: at(41) }),
    ];
    await store.put(jobs);
    const ids = (page: { items: JobRecord[] }) => page.items.map((j) => j.id);
    const p1 = { projects: ['p1'] };
    expect(ids(await store.list(p1, { limit: 10 }))).toEqual([jobs[2]?.id, jobs[1]?.id, jobs[0]?.id]);
    const page1 = await store.list(p1, { limit: 2 });
    expect(page1.nextCursor).toBe(jobs[1]?.id);
    const page2 = await store.list(p1, { limit: 2, cursor: page1.nextCursor });
    expect(ids(page2)).toEqual([jobs[0]?.id]);
    expect(page2.nextCursor).toBeUndefined();
    expect(ids(await store.list({ ...p1, type: 'ai.script' }, { limit: 10 }))).toEqual([jobs[0]?.id]);
    expect(ids(await store.list({ ...p1, queue: 'ai' }, { limit: 10 }))).toEqual([jobs[0]?.id]);
    expect(ids(await store.list({ ...p1, status: 'failed' }, { limit: 10 }))).toEqual([jobs[2]?.id]);
    expect(ids(await store.list({ ...p1, errorCode: 'FFMPEG_FAILED' }, { limit: 10 }))).toEqual([jobs[2]?.id]);
    expect(ids(await store.list({ ...p1, workflowId: wf }, { limit: 10 }))).toEqual([jobs[1]?.id]);
    expect(ids(await store.list({ ...p1, batchId: batch }, { limit: 10 }))).toEqual([jobs[2]?.id]);
    // The label filter stays inside the caller's projects: p2's spring job is not shown.
    expect(ids(await store.list({ ...p1, label: { key: 'campaign', value: 'spring' } }, { limit: 10 }))).toEqual([jobs[0]?.id]);
    expect(ids(await store.list({ projects: '*', label: { key: 'campaign', value: 'spring' } }, { limit: 10 }))).toEqual([
      jobs[3]?.id,
      jobs[0]?.id,
    ]);
    expect(ids(await store.list({ ...p1, createdFrom: T0 + 20_000, createdTo: T0 + 30_000 }, { limit: 10 }))).toEqual([jobs[1]?.id]);
    expect(ids(await store.list({ ...p1, updatedFrom: T0 + 35_000 }, { limit: 10 }))).toEqual([jobs[1]?.id]);
    expect(ids(await store.list({ projects: ['p1'], project: 'p2' }, { limit: 10 }))).toEqual([]);
    expect(ids(await store.list({ projects: [] }, { limit: 10 }))).toEqual([]);
    // Sorted by last change, oldest first, paged through the cursor.
    const byUpdated = await store.list(p1, { limit: 2, sort: 'updatedAt' });
    expect(ids(byUpdated)).toEqual([jobs[0]?.id, jobs[2]?.id]);
    expect(ids(await store.list(p1, { limit: 2, sort: 'updatedAt', cursor: byUpdated.nextCursor }))).toEqual([jobs[1]?.id]);
    expect(ids(await store.list(p1, { limit: 1, sort: '-updatedAt' }))).toEqual([jobs[1]?.id]);

    const counts = await store.count({ ...p1, type: 'media.render' });
    expect(counts.total).toBe(2);
    expect(counts.byStatus).toMatchObject({ queued: 1, failed: 1, succeeded: 0 });
    expect((await store.count({ projects: ['nobody'] })).total).toBe(0);
  });

  it('groups jobs by workflow and by batch with their counts, newest first', async () => {
    const older = newJobId();
    const newer = newJobId();
    await store.put([
      job({ project: 'g', workflowId: older, status: 'succeeded', createdAt: at(1), updatedAt: at(3) }),
      job({ project: 'g', workflowId: older, status: 'succeeded', createdAt: at(2), updatedAt: at(4) }),
      job({ project: 'g', workflowId: newer, status: 'running', createdAt: at(5), updatedAt: at(6) }),
      job({ project: 'other', workflowId: newJobId() }),
      job({ project: 'g', batchId: newer, status: 'failed' }),
    ]);
    const page = await store.groups('workflow', { projects: ['g'] }, { limit: 1 });
    expect(page.items).toEqual([
      expect.objectContaining({ id: newer, project: 'g', total: 1, done: false, counts: expect.objectContaining({ running: 1 }) }),
    ]);
    const next = await store.groups('workflow', { projects: ['g'] }, { limit: 1, cursor: page.nextCursor });
    expect(next.items).toEqual([
      expect.objectContaining({
        id: older,
        total: 2,
        done: true,
        createdAt: at(1),
        updatedAt: at(4),
        counts: expect.objectContaining({ succeeded: 2 }),
      }),
    ]);
    expect(next.nextCursor).toBeUndefined();
    const batches = await store.groups('batch', { projects: ['g'] }, { limit: 10 });
    expect(batches.items.map((b) => [b.id, b.total, b.done])).toEqual([[newer, 1, true]]);
  });

  it('a store made by the previous schema is migrated in place: its rows stay found by workflow, batch and error code', async () => {
    const url = await backends[backend]();
    const location = parseStoreUrl(url);
    const old = new Kysely<StoreTables>({
      dialect:
        location.dialect === 'sqlite'
          ? new SqliteDialect({ database: new Database(location.file) })
          : new PostgresDialect({ pool: new pg.Pool({ connectionString: location.connectionString }) }),
    });
    const wf = newJobId();
    const failed = job({ project: 'm', workflowId: wf, status: 'failed', error: { code: 'TIMEOUT', message: 'x', retryable: true } });
    const plain = job({ project: 'm', batchId: wf });
    try {
      const { error } = await new Migrator({ db: old, provider: { getMigrations: async () => MIGRATIONS } }).migrateTo(
        '0002_created_and_group_indexes',
      );
      expect(error).toBeUndefined();
      for (const j of [failed, plain])
        await old
          .insertInto('jobs')
          .values({
            id: j.id,
            project: j.project,
            type: j.type,
            queue: j.queue,
            status: j.status,
            workflow_id: j.workflowId ?? null,
            batch_id: j.batchId ?? null,
            error_code: j.error?.code ?? null,
            attempts: j.attempts,
            created_ms: Date.parse(j.createdAt),
            updated_ms: Date.parse(j.updatedAt),
            started_ms: null,
            finished_ms: null,
            seq: 1,
            record: JSON.stringify(j),
          })
          .execute();
    } finally {
      await old.destroy();
    }
    const migrated = await JobStore.open(url);
    try {
      const ids = async (f: Partial<JobFilter>) => (await migrated.list({ projects: ['m'], ...f }, { limit: 10 })).items.map((j) => j.id);
      expect(await ids({ workflowId: wf })).toEqual([failed.id]);
      expect(await ids({ batchId: wf })).toEqual([plain.id]);
      expect(await ids({ errorCode: 'TIMEOUT' })).toEqual([failed.id]);
      expect(await ids({ projects: '*', errorCode: 'TIMEOUT' })).toEqual([failed.id]);
      expect((await migrated.groups('workflow', { projects: ['m'] }, { limit: 10 })).items.map((g) => g.id)).toEqual([wf]);
      expect((await migrated.groups('batch', { projects: '*' }, { limit: 10 })).items.map((g) => g.id)).toEqual([wf]);
    } finally {
      await migrated.close();
    }
  });

  it('sums jobs, failures and durations per project and task type', async () => {
    await store.put([
      job({ project: 'u', type: 't.a', status: 'succeeded', createdAt: at(0), startedAt: at(1), finishedAt: at(3), updatedAt: at(3) }),
      job({ project: 'u', type: 't.a', status: 'failed', createdAt: at(0), startedAt: at(1), finishedAt: at(5), updatedAt: at(5) }),
      job({ project: 'u', type: 't.b', status: 'running', createdAt: at(0), startedAt: at(1), updatedAt: at(1) }),
      job({ project: 'v', type: 't.a', status: 'succeeded', createdAt: at(0), finishedAt: at(1), updatedAt: at(1) }),
    ]);
    const rows = await store.usage({ projects: ['u'], from: T0, to: T0 + 60_000 });
    expect(rows).toEqual([
      { project: 'u', type: 't.a', jobs: 2, succeeded: 1, failed: 1, cancelled: 0, meanRunMs: 3000, maxRunMs: 4000, meanTotalMs: 4000 },
      { project: 'u', type: 't.b', jobs: 1, succeeded: 0, failed: 0, cancelled: 0, meanRunMs: null, maxRunMs: null, meanTotalMs: null },
    ]);
  });

  it('prune deletes finished jobs unchanged since the cutoff, with their labels, and keeps unfinished and recent ones', async () => {
    const DAY = 86_400;
    const old = (over: Partial<JobRecord>) => job({ project: 'prune', createdAt: at(-10 * DAY), updatedAt: at(-9 * DAY), ...over });
    const finished = { finishedAt: at(-9 * DAY) };
    const jobs = [
      old({ status: 'succeeded', labels: { era: 'old' }, ...finished }),
      old({ status: 'failed', error: { code: 'FFMPEG_FAILED', message: 'x', retryable: false }, ...finished }),
      old({ status: 'cancelled', labels: { era: 'old' }, ...finished }),
      // Not finished, however old: a job still waiting or running is never pruned.
      old({ status: 'running', startedAt: at(-9 * DAY) }),
      old({ status: 'queued' }),
      // Finished, but changed after the cutoff.
      old({ status: 'succeeded', labels: { era: 'new' }, finishedAt: at(-DAY), updatedAt: at(-DAY) }),
    ];
    await store.put(jobs);
    const ids = (page: { items: JobRecord[] }) => page.items.map((j) => j.id).sort();
    const [succeeded, failed, cancelled, running, queued, recent] = jobs.map((j) => j.id) as string[];
    // A chunk of 2 takes two transactions for the three rows.
    expect(await store.prune(T0 - 5 * DAY * 1000, { chunk: 2 })).toBe(3);
    expect(ids(await store.list({ projects: ['prune'] }, { limit: 10 }))).toEqual([running, queued, recent].sort());
    expect(ids(await store.list({ projects: ['prune'], label: { key: 'era', value: 'new' } }, { limit: 10 }))).toEqual([recent]);
    const labelsLeft = await store.db
      .selectFrom('job_labels')
      .select('job_id')
      .where('job_id', 'in', [succeeded, failed, cancelled] as string[])
      .execute();
    expect(labelsLeft).toEqual([]);
    expect(await store.prune(T0 - 5 * DAY * 1000)).toBe(0);

    // A pruned job written again (a requeue from the DLQ) is back, labels and all.
    const requeued = { ...(jobs[0] as JobRecord), status: 'queued' as const, finishedAt: undefined, updatedAt: at(0) };
    await store.put([requeued]);
    expect((await store.get(succeeded as string))?.status).toBe('queued');
    expect(ids(await store.list({ projects: ['prune'], label: { key: 'era', value: 'old' } }, { limit: 10 }))).toEqual([succeeded]);
  });
});

describe('the projector', () => {
  let nats: NatsServerHandle;
  let ctx: NatsContext;
  beforeAll(async () => {
    nats = await startNatsServer();
    ctx = await connectNats({ url: nats.url, name: 'job-store-test' });
    await ensureTopology(ctx, { queues: [], ackWaitMs: 30_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
  });
  afterAll(async () => {
    await ctx?.nc.close();
    await nats?.stop();
  });

  /** Publishes a job's life (queued → running → succeeded) as state events; returns the final records. */
  async function publishJobs(n: number, project = 'alpha'): Promise<JobRecord[]> {
    const finals: JobRecord[] = [];
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const q = job({ project });
      const r = { ...q, status: 'running' as const, attempts: 1, startedAt: at(1), updatedAt: at(1) };
      const s = { ...r, status: 'succeeded' as const, finishedAt: at(2), updatedAt: at(2) };
      for (const j of [q, r, s]) acks.push(ctx.js.publish(jobEventSubject(j.id), JSON.stringify({ kind: 'state', job: j })));
      finals.push(s);
    }
    await Promise.all(acks);
    return finals;
  }

  it('resumes from its checkpoint after a restart instead of replaying the stream', async () => {
    const url = path.join(dir, 'projector.sqlite');
    const store = await JobStore.open(url);
    const first = new JobProjector({ ctx, store, log, name: 'resume' });
    await first.start();
    await publishJobs(20);
    await first.caughtUp();
    await first.stop();
    const stoppedAt = first.position;
    expect((await store.checkpoint('resume'))?.seq).toBe(stoppedAt);
    await store.close();

    await publishJobs(5);
    const reopened = await JobStore.open(url);
    const second = new JobProjector({ ctx, store: reopened, log, name: 'resume' });
    await second.start();
    await second.caughtUp();
    await second.stop();
    // Only the 15 events published while it was down were read again.
    expect(second.eventsApplied).toBe(15);
    expect(second.position).toBe(stoppedAt + 15);
    const counts = await reopened.count({ projects: ['alpha'] });
    expect(counts.byStatus.succeeded).toBe(25);
    await reopened.close();
  });

  it('on PostgreSQL the relaxed commit of a projector batch stays in its transaction: the next write on that connection is durable', async () => {
    const url = await pgServer.createDatabase('batch_commit');
    // The test server commits without fsync by default; this database's sessions do not.
    const setup = await JobStore.open(url);
    await sql`alter database batch_commit set synchronous_commit = on`.execute(setup.db);
    await setup.close();
    const store = await JobStore.open(url);
    try {
      // The pool opens connections as needed: one so far, so the query below runs on the
      // connection the batch ran on.
      await store.apply([{ seq: 1, job: job({ project: 'durable' }) }], { name: 'p', seq: 1, streamCreated: 's' });
      const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(store.db);
      expect(rows[0]?.synchronous_commit).toBe('on');
      expect((await store.count({ projects: ['durable'] })).total).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('two projectors on one PostgreSQL database converge on the newest state of every job', async () => {
    const url = await pgServer.createDatabase('two_projectors');
    const [a, b] = await Promise.all([JobStore.open(url), JobStore.open(url)]);
    if (!a || !b) throw new Error('stores did not open');
    // Small batches so the two interleave their transactions over the same rows.
    const pa = new JobProjector({ ctx, store: a, log, name: 'shared', batchSize: 7, flushMs: 1 });
    const pb = new JobProjector({ ctx, store: b, log, name: 'shared', batchSize: 11, flushMs: 1 });
    await Promise.all([pa.start(), pb.start()]);
    const finals = await publishJobs(120, 'twin');
    await Promise.all([pa.caughtUp(), pb.caughtUp()]);
    await Promise.all([pa.stop(), pb.stop()]);
    const counts = await a.count({ projects: ['twin'] });
    expect(counts).toMatchObject({ total: 120, byStatus: expect.objectContaining({ succeeded: 120, running: 0, queued: 0 }) });
    const stored = await a.get(finals[77]?.id as string);
    expect(stored).toEqual(finals[77]);
    expect((await b.checkpoint('shared'))?.seq).toBe(Math.max(pa.position, pb.position));
    await Promise.all([a.close(), b.close()]);
  });

  it('caughtUp waits for events already delivered but not yet written (a slow store)', async () => {
    const store = await JobStore.open(path.join(dir, 'slow.sqlite'));
    // Every write takes a while: the consumer has delivered the later events into the
    // client's buffer (JetStream's pending count is 0) while the first one is still being written.
    const apply = store.apply.bind(store);
    store.apply = async (...args) => {
      await new Promise((r) => setTimeout(r, 60));
      return apply(...args);
    };
    // Checkpointed at the stream's end, so it reads only the 12 events below.
    const { created, state } = await ctx.jsm.streams.info(EVENTS_STREAM);
    await store.apply([], { name: 'slow', seq: state.last_seq, streamCreated: created });
    await publishJobs(4, 'slow');
    const p = new JobProjector({ ctx, store, log, name: 'slow', batchSize: 1, flushMs: 1 });
    await p.start();
    await p.caughtUp();
    expect((await store.count({ projects: ['slow'] })).byStatus.succeeded).toBe(4);
    await p.stop();
    await store.close();
  });

  it('a store whose EVENTS stream was recreated starts that stream from the beginning', async () => {
    const store = await JobStore.open(path.join(dir, 'recreated.sqlite'));
    await store.apply([], { name: 'fresh', seq: 1_000_000, streamCreated: '2000-01-01T00:00:00Z' });
    await publishJobs(2, 'recreated');
    const p = new JobProjector({ ctx, store, log, name: 'fresh' });
    await p.start();
    await p.caughtUp();
    await p.stop();
    expect((await store.count({ projects: ['recreated'] })).byStatus.succeeded).toBe(2);
    await store.close();
  });
});
