import {
  AUDIT_STREAM,
  AUDIT_SUBJECTS,
  type AuditEntry,
  type AuditListResponse,
  type AuditQuery,
  AuditRecord,
  auditFilterSubject,
  auditSubject,
} from '@reelay/contracts';
import { DeliverPolicy, StorageType, type StoredMsg } from '@nats-io/jetstream';
import type { NatsContext } from '../nats/connection.js';
import { isNatsNotFound } from '../nats/nats-errors.js';
import { streamPublisher } from '../nats/stream-publisher.js';
import { ensureStream } from '../nats/topology.js';

/**
 * The audit log's store: stream `AUDIT` (file storage, limits retention, a max age),
 * one message per record on `audit.<project token>.<resource>.<verb>`. Writes are one
 * publish each through the connection's stream publisher (nats/stream-publisher.ts), not
 * `js.publish`: no nats.js request per record, and the records of the requests answered
 * in one turn leave in one socket write (a busy gateway audits every submit). A query
 * walks the stream forward with an ordered consumer filtered by subject on the server
 * (project, action) and by field here (key, target, outcome, until).
 *
 * Not the job store: when a SQL store holds visibility this log can be fed into it too;
 * until then the stream is the log, and its sequence is the record's id and cursor.
 */
export interface AuditLogOptions {
  maxAgeMs: number;
  replicas?: number;
}

/** A query reads at most this many records per call (matching or not); `nextCursor` resumes. */
const MAX_SCANNED_PER_QUERY = 20_000;
const FETCH_BATCH = 500;

export class AuditLog {
  constructor(private readonly ctx: NatsContext) {}

  async ensure(options: AuditLogOptions): Promise<void> {
    await ensureStream(this.ctx.jsm, {
      name: AUDIT_STREAM,
      subjects: AUDIT_SUBJECTS,
      storage: StorageType.File,
      max_age: options.maxAgeMs * 1_000_000,
      num_replicas: options.replicas ?? 1,
      allow_direct: true,
    });
  }

  async write(entry: AuditEntry): Promise<number> {
    const ack = await streamPublisher(this.ctx.nc).publish(auditSubject(entry.project, entry.action), Buffer.from(JSON.stringify(entry)));
    return ack.seq;
  }

  async query(query: AuditQuery): Promise<AuditListResponse> {
    const filter = auditFilterSubject(query.project, query.action);
    const until = query.until ? Date.parse(query.until) : undefined;
    const start = query.cursor !== undefined ? Number(query.cursor) + 1 : query.since ? await this.firstSeqAt(new Date(query.since)) : 1;
    // One direct get says whether anything matches at all; then an ordered consumer
    // streams the rest in batches (a direct get per record is a round trip each).
    const first = await this.next(start, filter);
    if (!first) return { items: [] };
    const consumer = await this.ctx.js.consumers.get(AUDIT_STREAM, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: first.seq,
    });
    const items: AuditRecord[] = [];
    let scanned = 0;
    let lastSeq = first.seq - 1;
    try {
      let pending = (await consumer.info(true)).num_pending;
      while (pending > 0 && scanned < MAX_SCANNED_PER_QUERY) {
        // Exactly what is there (at most a batch): a fetch for more would wait out `expires`.
        const batch = await consumer.fetch({
          max_messages: Math.min(FETCH_BATCH, pending, MAX_SCANNED_PER_QUERY - scanned),
          expires: 5_000,
        });
        let got = 0;
        for await (const m of batch) {
          got += 1;
          scanned += 1;
          pending = m.info.pending;
          lastSeq = m.seq;
          const verdict = this.match(m.json(), m.seq, query, until);
          if (verdict === 'past-until') return { items };
          if (verdict) items.push(verdict);
          if (items.length >= query.limit) return { items, nextCursor: String(m.seq) };
        }
        if (got === 0) break;
      }
    } finally {
      await consumer.delete().catch(() => false);
    }
    return scanned >= MAX_SCANNED_PER_QUERY ? { items, nextCursor: String(lastSeq) } : { items };
  }

  /** The record if it passes the in-gateway filters; `past-until` ends the walk (records are in time order). */
  private match(raw: unknown, seq: number, query: AuditQuery, until: number | undefined): AuditRecord | 'past-until' | undefined {
    const parsed = AuditRecord.safeParse({ ...(raw as object), seq });
    // A record this version cannot read is skipped, not fatal to the query.
    if (!parsed.success) return undefined;
    const record = parsed.data;
    if (until !== undefined && Date.parse(record.at) > until) return 'past-until';
    if (query.key !== undefined && record.key?.name !== query.key) return undefined;
    if (query.target !== undefined && record.target !== query.target) return undefined;
    if (query.outcome !== undefined && record.outcome !== query.outcome) return undefined;
    return record;
  }

  private async next(seq: number, filter: string): Promise<StoredMsg | null> {
    try {
      return await this.ctx.jsm.direct.getMessage(AUDIT_STREAM, { seq, next_by_subj: filter });
    } catch (err) {
      if (isNatsNotFound(err)) return null;
      throw err;
    }
  }

  /**
   * The first sequence written at or after `at`: a binary search over the stream by the
   * messages' own times (nats-server before 2.11 has no direct get by start time).
   */
  private async firstSeqAt(at: Date): Promise<number> {
    const info = await this.ctx.jsm.streams.info(AUDIT_STREAM);
    let lo = info.state.first_seq;
    let hi = info.state.last_seq + 1;
    const target = at.getTime();
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const msg = await this.next(mid, AUDIT_SUBJECTS[0] as string);
      if (!msg || msg.time.getTime() >= target) hi = mid;
      else lo = msg.seq + 1;
    }
    return lo;
  }
}
