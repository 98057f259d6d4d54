import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { JOB_STATUSES, type JobRecord, type JobStatus, TERMINAL_STATUSES } from '@reelay/contracts';
import type Database from 'better-sqlite3';
import {
  CompiledQuery,
  type Expression,
  type ExpressionBuilder,
  Kysely,
  Migrator,
  PostgresDialect,
  type SqlBool,
  SqliteDialect,
  type SqliteDatabase,
  type Transaction,
  sql,
} from 'kysely';
import { MIGRATIONS, type StoreTables } from './schema.js';
import { parseStoreUrl, type StoreLocation } from './store-url.js';

/** Which jobs a query covers. `projects` is the caller's bound and is always applied. */
export interface JobFilter {
  projects: readonly string[] | '*';
  project?: string | undefined;
  type?: string | undefined;
  status?: JobStatus | undefined;
  queue?: string | undefined;
  label?: { key: string; value: string } | undefined;
  workflowId?: string | undefined;
  batchId?: string | undefined;
  errorCode?: string | undefined;
  /** Epoch ms, inclusive lower and exclusive upper bounds. */
  createdFrom?: number | undefined;
  createdTo?: number | undefined;
  updatedFrom?: number | undefined;
  updatedTo?: number | undefined;
}

/** `createdAt` orders by id (UUIDv7 ids sort by creation); `-` is newest first. */
export type JobSort = '-createdAt' | 'createdAt' | '-updatedAt' | 'updatedAt';

export interface JobPage {
  items: JobRecord[];
  /** The last item's id; pass it back as `cursor` for the next page. */
  nextCursor?: string;
}

/** A workflow or a batch as the store sees it: its jobs, counted by state. */
export interface JobGroup {
  id: string;
  project: string;
  total: number;
  counts: Record<JobStatus, number>;
  createdAt: string;
  updatedAt: string;
  /** True once every job of it has finished. */
  done: boolean;
}

export interface UsageRow {
  project: string;
  type: string;
  jobs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Mean and longest start → finish of finished jobs, ms; null when none finished. */
  meanRunMs: number | null;
  maxRunMs: number | null;
  /** Mean submit → finish of finished jobs, ms. */
  meanTotalMs: number | null;
}

export interface Checkpoint {
  seq: number;
  streamCreated: string;
}

/** One job snapshot with the stream sequence it was read at (0: a gateway's own write). */
export interface StoredEvent {
  seq: number;
  job: JobRecord;
}

type Row = StoreTables['jobs'];
type Eb = ExpressionBuilder<StoreTables, 'jobs'>;

/**
 * The job store: the searchable history of jobs, in SQL. One module owns it; the
 * projector writes it from EVENTS and the gateway reads it for lists, counts, groups and
 * usage. A single job is still read from JetStream (the live state); this is visibility.
 *
 * Every write is an idempotent upsert: a row is replaced only by a newer snapshot
 * (greater updatedAt, or the same updatedAt at a greater stream sequence), so a late,
 * repeated or concurrent write from another gateway never rolls a job back.
 */
export class JobStore {
  private constructor(
    readonly db: Kysely<StoreTables>,
    readonly dialect: StoreLocation['dialect'],
  ) {}

  /**
   * Opens (creating a SQLite file's directory) and migrates. The driver of the other
   * backend is never loaded: importing `pg` alone takes about 0.1 s of CPU (docs/benchmarks.md).
   */
  static async open(url: string): Promise<JobStore> {
    const location = parseStoreUrl(url);
    let db: Kysely<StoreTables>;
    if (location.dialect === 'sqlite') {
      if (location.file !== ':memory:') mkdirSync(path.dirname(path.resolve(location.file)), { recursive: true });
      const { default: Sqlite } = await import('better-sqlite3');
      const database = new Sqlite(location.file);
      // WAL: readers do not wait for the projector's transactions. NORMAL sync is safe
      // under WAL (a power cut loses the last transactions, which the checkpoint replays).
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      database.pragma('busy_timeout = 5000');
      // SQLite keeps no planner statistics by itself; this refreshes them when stale
      // (cheap when not), so filters pick the right index on a grown store.
      database.pragma('optimize = 0x10002');
      db = new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    } else {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: location.connectionString, max: 10 });
      // BIGINT columns hold epoch ms and stream sequences, well inside 2^53.
      pool.on('connect', (client) => {
        client.setTypeParser(20, (v: string) => Number(v));
      });
      // An idle client's error (the server restarted) must not crash the process; the
      // pool drops that client and the next query opens another.
      pool.on('error', () => {});
      db = new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) });
    }
    const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      await db.destroy();
      throw error instanceof Error ? error : new Error(String(error));
    }
    return new JobStore(db, location.dialect);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** A gateway's own write (submit, cancel, requeue): read-your-writes for its client. */
  async put(jobs: readonly JobRecord[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.db.transaction().execute((trx) =>
      upsert(
        trx,
        this.dialect,
        jobs.map((job) => ({ seq: 0, job })),
      ),
    );
  }

  /**
   * Applies events and moves the named checkpoint in one transaction, so the position
   * never runs ahead of what is stored. Returns the ids whose row changed.
   */
  async apply(events: readonly StoredEvent[], checkpoint: { name: string } & Checkpoint): Promise<Set<string>> {
    return this.db.transaction().execute(async (trx) => {
      // The projector's commits do not wait for their WAL to reach the disk. A crash of
      // the server can lose the last of them, but each takes its checkpoint with it: the
      // projector resumes from the position that survived and writes those events again
      // (idempotent upserts), as SQLite's synchronous=NORMAL does. Only this transaction:
      // a route's own write (put) still commits durably before it answers.
      if (this.dialect === 'postgres') await sql`set local synchronous_commit = off`.execute(trx);
      const changed = await upsert(trx, this.dialect, events);
      // The checkpoint only moves forward: with two projectors on one database each
      // has stored every event up to its own position, so the greater one is safe.
      await trx
        .insertInto('projector_checkpoints')
        .values({ name: checkpoint.name, stream_seq: checkpoint.seq, stream_created: checkpoint.streamCreated, updated_ms: Date.now() })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet((eb) => ({
              stream_seq: eb.ref('excluded.stream_seq'),
              stream_created: eb.ref('excluded.stream_created'),
              updated_ms: eb.ref('excluded.updated_ms'),
            }))
            .where((eb) =>
              eb.or([
                eb('excluded.stream_seq', '>', eb.ref('projector_checkpoints.stream_seq')),
                eb('excluded.stream_created', '<>', eb.ref('projector_checkpoints.stream_created')),
              ]),
            ),
        )
        .execute();
      return changed;
    });
  }

  async checkpoint(name: string): Promise<Checkpoint | undefined> {
    const row = await this.db
      .selectFrom('projector_checkpoints')
      .select(['stream_seq', 'stream_created'])
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? { seq: Number(row.stream_seq), streamCreated: row.stream_created } : undefined;
  }

  /** Sets a checkpoint outright (a recreated stream starts again at 0). */
  async resetCheckpoint(name: string, streamCreated: string): Promise<void> {
    await this.db.deleteFrom('projector_checkpoints').where('name', '=', name).execute();
    await this.db
      .insertInto('projector_checkpoints')
      .values({ name, stream_seq: 0, stream_created: streamCreated, updated_ms: Date.now() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').select('record').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.record) as JobRecord) : undefined;
  }

  /**
   * A page of jobs in `sort` order, after the job `cursor` (an id from the last page).
   * On PostgreSQL without parallel workers: a page is a short index walk, but at a
   * million rows the planner chose a parallel plan for the label filter, and starting
   * its worker took 10–25 ms of a query whose work was 2 ms (EXPLAIN ANALYZE in
   * docs/benchmarks.md). SET LOCAL keeps counts and the metrics' scans parallel.
   */
  async list(filter: JobFilter, options: { limit: number; cursor?: string | undefined; sort?: JobSort | undefined }): Promise<JobPage> {
    if (this.dialect !== 'postgres') return listPage(this.db, filter, options);
    return this.db.transaction().execute(async (trx) => {
      await sql`set local max_parallel_workers_per_gather = 0`.execute(trx);
      return listPage(trx, filter, options);
    });
  }

  /** How many jobs match, in all and by state. */
  async count(filter: JobFilter): Promise<{ total: number; byStatus: Record<JobStatus, number> }> {
    const rows = await this.db
      .selectFrom('jobs')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .where((eb) => matches(eb, filter))
      .groupBy('status')
      .execute();
    const byStatus = zeroCounts();
    let total = 0;
    for (const r of rows) {
      const n = Number(r.n);
      if (r.status in byStatus) byStatus[r.status as JobStatus] = n;
      total += n;
    }
    return { total, byStatus };
  }

  /** Jobs by queue and state across the whole store (the Prometheus gauge). */
  async countsByQueueAndStatus(): Promise<{ queue: string; status: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('jobs')
      .select((eb) => ['queue', 'status', eb.fn.countAll<number>().as('n')])
      .groupBy(['queue', 'status'])
      .execute();
    return rows.map((r) => ({ queue: r.queue, status: r.status, n: Number(r.n) }));
  }

  /**
   * Workflows or batches, newest first (their ids are UUIDv7 too), each with its jobs
   * counted by state. Bounded to the caller's projects like every list.
   */
  async groups(
    kind: 'workflow' | 'batch',
    filter: { projects: readonly string[] | '*'; project?: string | undefined },
    options: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: JobGroup[]; nextCursor?: string }> {
    const column = kind === 'workflow' ? 'workflow_id' : 'batch_id';
    let q = this.db
      .selectFrom('jobs')
      .select((eb) => [
        eb.ref(column).$notNull().as('id'),
        // A workflow or batch belongs to one project: grouping by the id alone lets
        // SQLite read the groups in index order instead of sorting them.
        eb.fn.min('project').$notNull().as('project'),
        eb.fn.countAll<number>().as('total'),
        eb.fn.min('created_ms').as('created_ms'),
        eb.fn.max('updated_ms').as('updated_ms'),
        ...JOB_STATUSES.map((s) => sql<number>`sum(case when status = ${s} then 1 else 0 end)`.as(`n_${s}`)),
      ])
      .where(column, 'is not', null)
      .where((eb) => projectBound(eb, filter));
    if (options.cursor) q = q.where(column, '<', options.cursor);
    const rows = await q
      .groupBy(column)
      .orderBy(column, 'desc')
      .limit(options.limit + 1)
      .execute();
    const items = rows.slice(0, options.limit).map((r) => {
      const row = r as unknown as Record<string, unknown>;
      const counts = zeroCounts();
      for (const s of JOB_STATUSES) counts[s] = Number(row[`n_${s}`] ?? 0);
      const total = Number(r.total);
      return {
        id: r.id,
        project: r.project,
        total,
        counts,
        createdAt: new Date(Number(r.created_ms)).toISOString(),
        updatedAt: new Date(Number(r.updated_ms)).toISOString(),
        done: counts.succeeded + counts.failed + counts.cancelled === total,
      };
    });
    return rows.length > options.limit ? { items, nextCursor: items.at(-1)?.id as string } : { items };
  }

  /** Jobs, outcomes and durations per project and task type, of jobs created in a window. */
  async usage(filter: { projects: readonly string[] | '*'; project?: string | undefined; from: number; to: number }): Promise<UsageRow[]> {
    const run = sql<number>`case when finished_ms is not null and started_ms is not null then finished_ms - started_ms end`;
    const totalMs = sql<number>`case when finished_ms is not null then finished_ms - created_ms end`;
    const rows = await this.db
      .selectFrom('jobs')
      .select((eb) => [
        'project',
        'type',
        eb.fn.countAll<number>().as('jobs'),
        sql<number>`sum(case when status = 'succeeded' then 1 else 0 end)`.as('succeeded'),
        sql<number>`sum(case when status = 'failed' then 1 else 0 end)`.as('failed'),
        sql<number>`sum(case when status = 'cancelled' then 1 else 0 end)`.as('cancelled'),
        sql<number | null>`avg(${run})`.as('mean_run'),
        sql<number | null>`max(${run})`.as('max_run'),
        sql<number | null>`avg(${totalMs})`.as('mean_total'),
      ])
      .where('created_ms', '>=', filter.from)
      .where('created_ms', '<', filter.to)
      .where((eb) => projectBound(eb, filter))
      .groupBy(['project', 'type'])
      .orderBy('project')
      .orderBy('type')
      .execute();
    const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
    return rows.map((r) => ({
      project: r.project,
      type: r.type,
      jobs: Number(r.jobs),
      succeeded: Number(r.succeeded),
      failed: Number(r.failed),
      cancelled: Number(r.cancelled),
      meanRunMs: num(r.mean_run),
      maxRunMs: num(r.max_run),
      meanTotalMs: num(r.mean_total),
    }));
  }

  /**
   * Deletes finished jobs (succeeded, failed, cancelled) not changed since `before`
   * (epoch ms), with their labels, `chunk` rows per transaction so the projector and
   * readers never wait long behind it. Returns how many jobs went. A job that changes
   * again after it was pruned (a requeue from the DLQ) comes back with its next event.
   */
  async prune(before: number, options: { chunk?: number } = {}): Promise<number> {
    const chunk = options.chunk ?? 1000;
    let deleted = 0;
    for (;;) {
      const n = await this.db.transaction().execute(async (trx) => {
        // The WHERE holds in the DELETE itself, not only in the pick: a newer write to a
        // picked row meanwhile (another gateway) leaves that row alone.
        const gone = await trx
          .deleteFrom('jobs')
          .where((eb) =>
            eb(
              'id',
              'in',
              eb
                .selectFrom('jobs')
                .select('id')
                .where('updated_ms', '<', before)
                .where('status', 'in', [...TERMINAL_STATUSES])
                .limit(chunk),
            ),
          )
          .where('updated_ms', '<', before)
          .where('status', 'in', [...TERMINAL_STATUSES])
          .returning('id')
          .execute();
        const ids = gone.map((r) => r.id);
        if (ids.length > 0) await trx.deleteFrom('job_labels').where('job_id', 'in', ids).execute();
        return ids.length;
      });
      deleted += n;
      if (n < chunk) return deleted;
    }
  }

  /** Refreshes the planner's statistics (after a bulk load; PostgreSQL's autovacuum does it in time). */
  async analyze(): Promise<void> {
    await sql`analyze`.execute(this.db);
  }

  /** Rows in the store (the benchmark's and the log's figure). */
  async size(): Promise<number> {
    const row = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** JobStore.list on a connection or in a transaction. */
async function listPage(
  db: Kysely<StoreTables>,
  filter: JobFilter,
  options: { limit: number; cursor?: string | undefined; sort?: JobSort | undefined },
): Promise<JobPage> {
  const sort = options.sort ?? '-createdAt';
  const desc = sort.startsWith('-');
  const byUpdated = sort.endsWith('updatedAt');
  let q = db
    .selectFrom('jobs')
    .select(['id', 'record'])
    .where((eb) => matches(eb, filter));
  if (options.cursor) {
    const cursor = options.cursor;
    if (byUpdated) {
      const at = await db.selectFrom('jobs').select('updated_ms').where('id', '=', cursor).executeTakeFirst();
      // A cursor the store does not know (aged out) pages on from its id alone.
      if (at) {
        const t = Number(at.updated_ms);
        q = q.where((eb) =>
          eb.or([eb('updated_ms', desc ? '<' : '>', t), eb.and([eb('updated_ms', '=', t), eb('id', desc ? '<' : '>', cursor)])]),
        );
      } else q = q.where('id', desc ? '<' : '>', cursor);
    } else q = q.where('id', desc ? '<' : '>', cursor);
  }
  if (byUpdated) q = q.orderBy('updated_ms', desc ? 'desc' : 'asc');
  q = q.orderBy('id', desc ? 'desc' : 'asc').limit(options.limit + 1);
  const rows = await q.execute();
  const more = rows.length > options.limit;
  const items = rows.slice(0, options.limit).map((r) => JSON.parse(r.record) as JobRecord);
  return more ? { items, nextCursor: items.at(-1)?.id as string } : { items };
}

/** Prepared statements kept per SQL text, most recently used last. */
const STATEMENT_CACHE_SIZE = 128;

/**
 * Kysely's SQLite driver prepares every query it runs; the store runs the same few
 * statements (an upsert per batch size, the checkpoint, the list shapes) again and again,
 * and SQLite's prepare (parse and plan) was a measured share of the gateway's and the
 * projector's CPU. Statements are reusable once run to completion, which every query
 * here is (none streams).
 */
function withStatementCache(database: Database.Database): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) cache.delete(text);
      else {
        statement = database.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

export function zeroCounts(): Record<JobStatus, number> {
  return Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
}

function toRow(seq: number, updatedMs: number, job: JobRecord): Row {
  const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : null);
  return {
    id: job.id,
    project: job.project,
    type: job.type,
    queue: job.queue,
    status: job.status,
    workflow_id: job.workflowId ?? null,
    batch_id: job.batchId ?? null,
    error_code: job.error?.code ?? null,
    attempts: job.attempts,
    created_ms: Date.parse(job.createdAt),
    updated_ms: updatedMs,
    started_ms: ms(job.startedAt),
    finished_ms: ms(job.finishedAt),
    seq,
    record: JSON.stringify(job),
  };
}

/** Rows per statement: well under SQLite's 32,766 bound variables at 15 columns. */
const CHUNK = 1000;

async function upsert(
  trx: Transaction<StoreTables>,
  dialect: StoreLocation['dialect'],
  events: readonly StoredEvent[],
): Promise<Set<string>> {
  // One row per job per statement (PostgreSQL refuses to update a row twice in one
  // INSERT … ON CONFLICT), the newest; sorted by id so concurrent writers lock rows in
  // the same order and cannot deadlock. A batch holds several events of most jobs
  // (queued, running, progress, finished): the newest is picked first, and only its
  // row is built — the JSON of the record is the largest part of building one.
  const latest = new Map<string, { seq: number; updatedMs: number; job: JobRecord }>();
  const labelsOf = new Map<string, Record<string, string>>();
  for (const { seq, job } of events) {
    const updatedMs = Date.parse(job.updatedAt);
    const seen = latest.get(job.id);
    if (!seen || updatedMs > seen.updatedMs || (updatedMs === seen.updatedMs && seq > seen.seq))
      latest.set(job.id, { seq, updatedMs, job });
    if (job.labels) labelsOf.set(job.id, job.labels);
  }
  const rows: Row[] = [];
  for (const { seq, updatedMs, job } of latest.values()) rows.push(toRow(seq, updatedMs, job));
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const changed = new Set<string>();
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const written = dialect === 'postgres' ? await upsertRowsAsJson(trx, chunk) : await upsertRows(trx, chunk);
    for (const w of written) changed.add(w.id);
  }
  const labels = [];
  for (const [id, jobLabels] of labelsOf) {
    if (!changed.has(id)) continue;
    for (const [key, value] of Object.entries(jobLabels)) labels.push({ job_id: id, key, value });
  }
  for (let i = 0; i < labels.length; i += CHUNK) {
    await trx
      .insertInto('job_labels')
      .values(labels.slice(i, i + CHUNK))
      .onConflict((oc) => oc.columns(['job_id', 'key']).doNothing())
      .execute();
  }
  return changed;
}

/**
 * SQLite: the multi-row upsert (the PostgreSQL one's statement, with a VALUES list) as SQL
 * text made once per row count, handed to the driver as a compiled query. Kysely's
 * builder parsed and compiled a batch's VALUES node by node, 15 parameters a row, and
 * each new row count was a new statement to prepare: measured with --cpu-prof, about 6%
 * of a gateway's CPU under `bench:gateway` (docs/benchmarks.md). A chunk goes in runs of
 * power-of-two rows, so a handful of statements are prepared once and reused.
 */
async function upsertRows(trx: Transaction<StoreTables>, chunk: Row[]): Promise<{ id: string }[]> {
  const written: { id: string }[] = [];
  for (let i = 0; i < chunk.length; ) {
    const n = 2 ** Math.floor(Math.log2(chunk.length - i));
    const parameters: unknown[] = [];
    for (let r = i; r < i + n; r++) {
      const row = chunk[r] as Row;
      for (const column of COLUMNS) parameters.push(row[column]);
    }
    const { rows } = await trx.executeQuery<{ id: string }>(CompiledQuery.raw(sqliteUpsert(n), parameters));
    for (const row of rows) written.push(row);
    i += n;
  }
  return written;
}

const sqliteUpserts = new Map<number, string>();
function sqliteUpsert(rows: number): string {
  let text = sqliteUpserts.get(rows);
  if (text === undefined) {
    const row = `(${COLUMNS.map(() => '?').join(', ')})`;
    text = `insert into jobs (${COLUMN_LIST}) values ${Array.from({ length: rows }, () => row).join(', ')}${UPSERT_ON_CONFLICT}`;
    sqliteUpserts.set(rows, text);
  }
  return text;
}

/** The jobs table's columns and their PostgreSQL types (migration 0001), `record` last. */
const JSON_COLUMNS: [keyof Row, string][] = [
  ['id', 'text'],
  ['project', 'text'],
  ['type', 'text'],
  ['queue', 'text'],
  ['status', 'text'],
  ['workflow_id', 'text'],
  ['batch_id', 'text'],
  ['error_code', 'text'],
  ['attempts', 'integer'],
  ['created_ms', 'bigint'],
  ['updated_ms', 'bigint'],
  ['started_ms', 'bigint'],
  ['finished_ms', 'bigint'],
  ['seq', 'bigint'],
  ['record', 'text'],
];
/** The columns in order, `record` last. */
const COLUMNS = JSON_COLUMNS.map(([c]) => c);
/** JSON.stringify's key list for a row without its record (spliced in as it is). */
const COLUMNS_BUT_RECORD = COLUMNS.filter((c) => c !== 'record');
/** What a newer snapshot of a job updates (the other columns are fixed at submit), on both dialects. */
const UPDATED = ['status', 'queue', 'error_code', 'attempts', 'updated_ms', 'started_ms', 'finished_ms', 'seq', 'record'];
const COLUMN_LIST = COLUMNS.join(', ');
/** A newer snapshot (later updatedAt, or the same one later in the stream) wins; returns the rows it wrote. */
const UPSERT_ON_CONFLICT = `
  on conflict (id) do update set ${UPDATED.map((c) => `${c} = excluded.${c}`).join(', ')}
  where excluded.updated_ms > jobs.updated_ms or (excluded.updated_ms = jobs.updated_ms and excluded.seq > jobs.seq)
  returning id`;
const UPSERT_HEAD = `insert into jobs (${COLUMN_LIST}) select ${COLUMN_LIST} from json_to_recordset(`;
const UPSERT_TAIL = `::json) as r(${JSON_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})${UPSERT_ON_CONFLICT}`;

/**
 * PostgreSQL: the same upsert (upsertRows) with the rows as one JSON parameter, expanded
 * by json_to_recordset. Kysely's VALUES list of a batch is 15 parameters a row, which
 * Kysely parses and compiles node by node and pg serialises one by one: measured with
 * --cpu-prof, about a fifth of the projector's own CPU (docs/benchmarks.md). Each row's
 * record is the job's JSON text spliced in unescaped; json_to_recordset hands a `text`
 * column an object's own text, so it is stored to the byte as before.
 */
async function upsertRowsAsJson(trx: Transaction<StoreTables>, chunk: Row[]): Promise<{ id: string }[]> {
  let json = '[';
  for (const row of chunk)
    json += `${json.length > 1 ? ',' : ''}${JSON.stringify(row, COLUMNS_BUT_RECORD).slice(0, -1)},"record":${row.record}}`;
  const { rows } = await sql<{ id: string }>`${sql.raw(UPSERT_HEAD)}${`${json}]`}${sql.raw(UPSERT_TAIL)}`.execute(trx);
  return rows;
}

function projectBound(eb: Eb, f: { projects: readonly string[] | '*'; project?: string | undefined }): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  if (f.projects !== '*') {
    // A key bound to no projects sees nothing (fail closed), not everything.
    if (f.projects.length === 0) return sql<SqlBool>`1 = 0`;
    parts.push(eb('project', 'in', [...f.projects]));
  }
  if (f.project) parts.push(eb('project', '=', f.project));
  return eb.and(parts);
}

function matches(eb: Eb, f: JobFilter): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [projectBound(eb, f)];
  if (f.type) parts.push(eb('type', '=', f.type));
  if (f.status) parts.push(eb('status', '=', f.status));
  if (f.queue) parts.push(eb('queue', '=', f.queue));
  if (f.workflowId) parts.push(eb('workflow_id', '=', f.workflowId));
  if (f.batchId) parts.push(eb('batch_id', '=', f.batchId));
  if (f.errorCode) parts.push(eb('error_code', '=', f.errorCode));
  if (f.createdFrom !== undefined) parts.push(eb('created_ms', '>=', f.createdFrom));
  if (f.createdTo !== undefined) parts.push(eb('created_ms', '<', f.createdTo));
  if (f.updatedFrom !== undefined) parts.push(eb('updated_ms', '>=', f.updatedFrom));
  if (f.updatedTo !== undefined) parts.push(eb('updated_ms', '<', f.updatedTo));
  if (f.label) {
    const { key, value } = f.label;
    parts.push(
      eb(
        'id',
        'in',
        eb.selectFrom('job_labels').select('job_labels.job_id').where('job_labels.key', '=', key).where('job_labels.value', '=', value),
      ),
    );
  }
  return eb.and(parts);
}
