import { WorkflowRecord } from '@reelay/contracts';
import { uniqueKeys } from '../nats/kv-keys.js';
import type { KV } from '@nats-io/kv';
import { isWrongLastSequence } from '../nats/nats-errors.js';

const encoder = new TextEncoder();
/** Enough for any real contention (a handful of writers per workflow); a bound against bugs. */
const MAX_CONFLICTS = 100;

/**
 * Workflow records in KV `workflows`. Every change is a compare-and-set on the entry's
 * revision, retried on conflict, because the gateway (submit, cancel, retry) and every
 * scheduler replica (job events) write the same record concurrently.
 */
export class WorkflowStore {
  constructor(private readonly kv: KV) {}

  async get(id: string): Promise<WorkflowRecord | undefined> {
    return (await this.read(id))?.record;
  }

  async create(record: WorkflowRecord): Promise<void> {
    await this.kv.create(record.id, encoder.encode(JSON.stringify(record)));
  }

  /**
   * Applies `change` to the latest record and writes it if nothing else wrote in
   * between; otherwise reads again and re-applies. `change` may run more than once, so
   * anything it does outside the record must be idempotent. Returns the record as
   * written, or as read when `change` returned undefined (nothing to do).
   */
  async update(id: string, change: (record: WorkflowRecord) => Promise<WorkflowRecord | undefined>): Promise<WorkflowRecord | undefined> {
    for (let conflicts = 0; conflicts < MAX_CONFLICTS; conflicts++) {
      const current = await this.read(id);
      if (!current) return undefined;
      const next = await change(current.record);
      if (!next || JSON.stringify(next) === JSON.stringify(current.record)) return current.record;
      try {
        await this.kv.update(id, encoder.encode(JSON.stringify(next)), current.revision);
        return next;
      } catch (err) {
        if (!isWrongRevision(err)) throw err;
      }
    }
    throw new Error(`workflow ${id}: gave up after ${MAX_CONFLICTS} conflicting writes`);
  }

  /** Ids of every stored workflow (for the engine's start-up reconcile). */
  async ids(): Promise<string[]> {
    return uniqueKeys(this.kv);
  }

  private async read(id: string): Promise<{ record: WorkflowRecord; revision: number } | undefined> {
    const entry = await this.kv.get(id);
    if (entry?.operation !== 'PUT') return undefined;
    return { record: WorkflowRecord.parse(entry.json()), revision: entry.revision };
  }
}

/** A KV update against a stale revision: someone else wrote first. */
const isWrongRevision = isWrongLastSequence;
