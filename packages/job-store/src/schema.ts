import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The store's tables, as Kysely sees them. Times are epoch milliseconds (BIGINT on
 * PostgreSQL, INTEGER on SQLite) so both engines compare and subtract them the same way;
 * `record` is the job's JSON snapshot, returned as is by lists.
 */
export interface JobsTable {
  id: string;
  project: string;
  type: string;
  queue: string;
  status: string;
  workflow_id: string | null;
  batch_id: string | null;
  error_code: string | null;
  attempts: number;
  created_ms: number;
  updated_ms: number;
  started_ms: number | null;
  finished_ms: number | null;
  /** EVENTS stream sequence of the event this row came from; 0 for a gateway's own write. */
  seq: number;
  record: string;
}

/** Labels are fixed at submit, so they are inserted once and never updated. */
export interface JobLabelsTable {
  job_id: string;
  key: string;
  value: string;
}

export interface CheckpointsTable {
  name: string;
  /** Every event of the stream up to and including this sequence is applied. */
  stream_seq: number;
  /** The stream's creation time: a recreated stream starts its sequences again. */
  stream_created: string;
  updated_ms: number;
}

export interface StoreTables {
  jobs: JobsTable;
  job_labels: JobLabelsTable;
  projector_checkpoints: CheckpointsTable;
}

/**
 * Migrations in code, run by Kysely's Migrator at open (it takes a lock, so several
 * gateways starting together migrate once). Append new ones; never edit a shipped one.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_jobs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('workflow_id', 'text')
        .addColumn('batch_id', 'text')
        .addColumn('error_code', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_ms', 'bigint', (c) => c.notNull())
        .addColumn('started_ms', 'bigint')
        .addColumn('finished_ms', 'bigint')
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('record', 'text', (c) => c.notNull())
        .execute();
      // Lists run newest first (by id: UUIDv7 ids sort by creation) inside the key's
      // projects, so most indexes lead with project and end with id.
      const indexes: [string, string[]][] = [
        ['jobs_project_id', ['project', 'id']],
        ['jobs_project_status_id', ['project', 'status', 'id']],
        ['jobs_project_type_id', ['project', 'type', 'id']],
        ['jobs_project_updated', ['project', 'updated_ms', 'id']],
        ['jobs_status_id', ['status', 'id']],
        ['jobs_type_id', ['type', 'id']],
        ['jobs_queue_id', ['queue', 'id']],
        ['jobs_queue_status', ['queue', 'status']],
        ['jobs_updated', ['updated_ms', 'id']],
        ['jobs_workflow', ['workflow_id', 'project']],
        ['jobs_batch', ['batch_id', 'project']],
        ['jobs_error_id', ['error_code', 'id']],
      ];
      for (const [name, columns] of indexes) await db.schema.createIndex(name).on('jobs').columns(columns).execute();
      await db.schema
        .createTable('job_labels')
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('job_labels_pk', ['job_id', 'key'])
        .execute();
      await db.schema.createIndex('job_labels_key_value').on('job_labels').columns(['key', 'value', 'job_id']).execute();
      await db.schema
        .createTable('projector_checkpoints')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('stream_seq', 'bigint', (c) => c.notNull())
        .addColumn('stream_created', 'text', (c) => c.notNull())
        .addColumn('updated_ms', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  // Measured by bench:store: a created-at window and the project-bound workflow and
  // batch lists scanned the id indexes; these serve them directly.
  '0002_created_and_group_indexes': {
    async up(db: Kysely<unknown>) {
      const indexes: [string, string[]][] = [
        ['jobs_project_created', ['project', 'created_ms']],
        ['jobs_created', ['created_ms']],
        ['jobs_project_workflow', ['project', 'workflow_id']],
        ['jobs_project_batch', ['project', 'batch_id']],
      ];
      for (const [name, columns] of indexes) await db.schema.createIndex(name).on('jobs').columns(columns).execute();
    },
  },
  // Measured by bench:store (1,000,000 jobs): most jobs belong to no workflow or batch
  // and carry no error code, yet every insert put them in the five indexes on those
  // columns. Partial indexes hold only the rows that have one, so the projector maintains
  // fewer B-trees per job; every query on those columns compares them with a value or
  // asks for `is not null`, which both engines prove implies the index's predicate. The
  // error-code filter inside a key's projects gets its own index (it walked every error).
  '0003_partial_group_and_error_indexes': {
    async up(db: Kysely<unknown>) {
      const replaced: [string, string, string[]][] = [
        ['jobs_workflow', 'workflow_id', ['workflow_id', 'project']],
        ['jobs_batch', 'batch_id', ['batch_id', 'project']],
        ['jobs_project_workflow', 'workflow_id', ['project', 'workflow_id']],
        ['jobs_project_batch', 'batch_id', ['project', 'batch_id']],
        ['jobs_error_id', 'error_code', ['error_code', 'id']],
      ];
      for (const [name, column, columns] of replaced) {
        await db.schema.dropIndex(name).execute();
        await db.schema.createIndex(name).on('jobs').columns(columns).where(sql.ref(column), 'is not', null).execute();
      }
      await db.schema
        .createIndex('jobs_project_error_id')
        .on('jobs')
        .columns(['project', 'error_code', 'id'])
        .where(sql.ref('error_code'), 'is not', null)
        .execute();
    },
  },
};
