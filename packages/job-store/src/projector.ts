import { ALL_JOB_EVENTS, EVENTS_STREAM, JobEvent } from '@reelay/contracts';
import { DeliverPolicy, type Logger, type NatsContext } from '@reelay/runtime';
import type { JobStore, StoredEvent } from './job-store.js';

export interface ProjectorOptions {
  ctx: NatsContext;
  store: JobStore;
  log: Logger;
  /** The checkpoint's name. Gateways sharing a database share it (see decision 0008). */
  name?: string;
  /** Events per transaction at most. */
  batchSize?: number;
  /** How long a part-filled batch waits for more before it is written. */
  flushMs?: number;
  /** Called after each transaction with the events whose row it changed. */
  onApplied?: (events: readonly JobEvent[]) => void;
}

/**
 * Feeds the job store from the EVENTS stream. Its position lives in the database, in the
 * same transaction as the rows it wrote: at start it reads the checkpoint and asks
 * JetStream for the events after it (an ordered consumer from that sequence), so a
 * restart resumes where it stopped instead of replaying the stream. Events are written
 * in batches, one transaction each; the upserts are idempotent, so an event seen twice
 * (a crash between write and checkpoint cannot happen, but another gateway's projector
 * writes the same rows) changes nothing.
 */
export class JobProjector {
  private readonly name: string;
  private readonly batchSize: number;
  private readonly flushMs: number;
  private batch: StoredEvent[] = [];
  private kinds: JobEvent['kind'][] = [];
  private lastSeq = 0;
  /** Stream sequence of the last message the loop took (a job event or a skipped one). */
  private seenSeq = 0;
  /** Stream sequence through which every message taken is written (or was skipped). */
  private handledSeq = 0;
  private streamCreated = '';
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopping = false;
  private loop: Promise<void> | undefined;
  private stopConsumer: (() => Promise<void>) | undefined;
  private consumerInfo: (() => Promise<{ pending: number; delivered: number }>) | undefined;
  private applied = 0;

  constructor(private readonly options: ProjectorOptions) {
    this.name = options.name ?? 'job-store';
    this.batchSize = options.batchSize ?? 1000;
    this.flushMs = options.flushMs ?? 50;
  }

  /** Stream sequence up to which every job event is stored. */
  get position(): number {
    return this.lastSeq;
  }

  /** Events written so far by this projector (its own count, for the benchmark). */
  get eventsApplied(): number {
    return this.applied;
  }

  async start(): Promise<void> {
    const { ctx, store, log } = this.options;
    const info = await ctx.jsm.streams.info(EVENTS_STREAM);
    this.streamCreated = info.created;
    const saved = await store.checkpoint(this.name);
    if (saved && saved.streamCreated !== info.created) {
      // A new EVENTS stream numbers from 1 again: start over; the upserts keep rows safe.
      log.warn({ checkpoint: saved.seq }, 'EVENTS stream was recreated; the job store projects it from the start');
      await store.resetCheckpoint(this.name, info.created);
    }
    this.lastSeq = saved && saved.streamCreated === info.created ? saved.seq : 0;
    this.seenSeq = this.lastSeq;
    this.handledSeq = this.lastSeq;
    const consumer = await ctx.js.consumers.get(EVENTS_STREAM, {
      filter_subjects: ALL_JOB_EVENTS,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.lastSeq + 1,
    });
    this.consumerInfo = async () => {
      const ci = await consumer.info(false);
      return { pending: ci.num_pending, delivered: ci.delivered.stream_seq };
    };
    const messages = await consumer.consume({ max_messages: Math.max(this.batchSize * 2, 1000) });
    this.stopConsumer = async () => {
      await messages.close();
    };
    log.info({ from: this.lastSeq + 1 }, 'job store projector started');
    this.loop = (async () => {
      for await (const m of messages) {
        this.seenSeq = m.seq;
        let event: JobEvent;
        try {
          event = JobEvent.parse(m.json());
        } catch (err) {
          log.warn({ err, subject: m.subject, seq: m.seq }, 'unreadable job event skipped');
          this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
          continue;
        }
        this.batch.push({ seq: m.seq, job: event.job });
        this.kinds.push(event.kind);
        if (this.batch.length >= this.batchSize) {
          // One write in flight at a time, the next batch read meanwhile: the store's
          // work (PostgreSQL's, on its own core) overlaps parsing the next events.
          await this.writing;
          void this.flush();
        } else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
      }
    })();
  }

  /** Events in JetStream not yet stored (0 once caught up). */
  async lag(): Promise<number> {
    return ((await this.consumerInfo?.())?.pending ?? 0) + this.batch.length;
  }

  /**
   * Resolves once every event published before the call is stored. JetStream's pending
   * count alone is not enough: it is 0 as soon as the messages are in this client's
   * buffer, before the loop has taken them, so the delivered position must be handled too.
   */
  async caughtUp(pollMs = 20): Promise<void> {
    const target = (await this.options.ctx.jsm.streams.info(EVENTS_STREAM)).state.last_seq;
    for (;;) {
      await this.writing;
      if (this.lastSeq >= target) return;
      const info = await this.consumerInfo?.();
      if (info && info.pending === 0 && this.batch.length === 0 && this.handledSeq >= info.delivered) {
        await this.writing;
        if (this.batch.length === 0 && this.handledSeq >= info.delivered) return;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.stopConsumer?.();
    await this.loop?.catch(() => {});
    await this.flush();
  }

  /**
   * Writes the current batch after the writes before it (serialised), retried until it
   * lands (a store outage). The batch and the position it covers are taken now, so the
   * loop can fill the next one while this one is written.
   */
  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.batch;
    const kinds = this.kinds;
    const through = this.seenSeq;
    this.batch = [];
    this.kinds = [];
    this.writing = this.writing.then(() => this.write(events, kinds, through));
    return this.writing;
  }

  private async write(events: StoredEvent[], kinds: JobEvent['kind'][], through: number): Promise<void> {
    if (events.length === 0) {
      this.handledSeq = Math.max(this.handledSeq, through);
      return;
    }
    const seq = events.at(-1)?.seq ?? this.lastSeq;
    for (let attempt = 1; ; attempt++) {
      try {
        const changed = await this.options.store.apply(events, { name: this.name, seq, streamCreated: this.streamCreated });
        this.lastSeq = seq;
        this.handledSeq = Math.max(this.handledSeq, through);
        this.applied += events.length;
        if (this.options.onApplied && changed.size > 0) {
          const applied: JobEvent[] = [];
          events.forEach((e, i) => {
            if (changed.has(e.job.id)) applied.push({ kind: kinds[i] ?? 'state', job: e.job });
          });
          this.options.onApplied(applied);
        }
        return;
      } catch (err) {
        this.options.log.error({ err, attempt, events: events.length }, 'job store write failed; retrying');
        if (this.stopping && attempt >= 3) return;
        await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** attempt)));
      }
    }
  }
}
