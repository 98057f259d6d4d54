import { bandFor, DELAYED_STREAM, DELAYED_SUBJECTS, JobEnvelope, type JobRecord, jobsSubject, RUN_AT_HEADER } from '@reelay/contracts';
import {
  Attr,
  extractTrace,
  injectTrace,
  inSpan,
  isAlreadyExists,
  isWrongLastSequence,
  jsonPayload,
  JobStore,
  type Logger,
  type NatsContext,
  released,
  SpanKind,
} from '@reelay/runtime';
import type { JsMsg } from '../nats-handles.js';

/** The one durable consumer on DELAYED; every scheduler replica pulls from it. */
export const RELEASER_CONSUMER = 'delayed-releaser';

export interface DelayedReleaserOptions {
  /** A job not yet due is looked at again after min(runAt − now, this). */
  maxNakMs: number;
  /** The consumer's max_ack_pending: every waiting job is pending on it. */
  maxPending: number;
}

const ns = (ms: number) => ms * 1_000_000;

/**
 * Releases delayed jobs when their runAt comes. A delayed job is a message on
 * `delayed.<id>` (work-queue stream DELAYED); this consumer receives it, and
 *   - not yet due → nak with delay min(runAt − now, maxNakMs). JetStream honours the
 *     delay, so the job is redelivered — to whichever replica is pulling — when it is
 *     due, or earlier for another look; the last nak is exact, so release is on time.
 *   - due → the record is set "queued" (only if it is still "scheduled", checked by
 *     the record's stream sequence so a concurrent cancel wins), the same envelope is
 *     published to its queue with msgID = job id (a double release is deduplicated),
 *     and the message is acked.
 *   - cancelled (or released already) → acked and dropped.
 * The waiting itself lives in JetStream, not in a process: a restarted or replaced
 * scheduler picks every delayed job up again. max_deliver is unlimited because every
 * look at a waiting job is a delivery.
 */
export class DelayedReleaser {
  private stopFn: (() => void) | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly store: JobStore;

  constructor(
    private readonly ctx: NatsContext,
    private readonly log: Logger,
    private readonly options: DelayedReleaserOptions,
  ) {
    this.store = new JobStore(ctx);
  }

  async start(): Promise<void> {
    await this.ensureConsumer();
    const consumer = await this.ctx.js.consumers.get(DELAYED_STREAM, RELEASER_CONSUMER);
    const messages = await consumer.consume({ max_messages: 256 });
    this.stopFn = () => void messages.stop();
    void (async () => {
      for await (const m of messages) {
        const work = this.handle(m).catch((err) => {
          // Left unanswered, the message comes back after AckWait and is looked at again.
          this.log.warn({ err, subject: m.subject }, 'delayed job not handled; retrying after AckWait');
        });
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopFn?.();
    await Promise.all(this.inFlight);
  }

  private async ensureConsumer(): Promise<void> {
    const config = {
      durable_name: RELEASER_CONSUMER,
      filter_subject: DELAYED_SUBJECTS[0] ?? 'delayed.>',
      ack_policy: 'explicit' as const,
      // Longer than the longest nak delay, so a job being handled is never handed to a
      // second replica meanwhile; it only matters when a scheduler dies mid-release.
      ack_wait: ns(Math.max(60_000, this.options.maxNakMs * 2)),
      max_deliver: -1,
      max_ack_pending: this.options.maxPending,
    };
    const { jsm } = this.ctx;
    const exists = await jsm.consumers.info(DELAYED_STREAM, RELEASER_CONSUMER).then(
      () => true,
      () => false,
    );
    if (exists) await jsm.consumers.update(DELAYED_STREAM, RELEASER_CONSUMER, config);
    else {
      await jsm.consumers.add(DELAYED_STREAM, config as never).catch((err: Error) => {
        // Another replica created it first.
        if (!isAlreadyExists(err)) throw err;
      });
    }
    // 2.9.10 drops fields it does not know: read back what matters.
    const info = await jsm.consumers.info(DELAYED_STREAM, RELEASER_CONSUMER);
    if (info.config.max_deliver !== -1 || info.config.ack_wait !== config.ack_wait) {
      throw new Error(`consumer ${DELAYED_STREAM}/${RELEASER_CONSUMER} was not kept as configured`);
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const parsed = JobEnvelope.safeParse(jsonPayload(m.data));
    if (!parsed.success) {
      // Not a job: nothing could ever release it. Logged with its subject, then dropped.
      this.log.error({ subject: m.subject }, 'unreadable delayed job dropped');
      m.term();
      return;
    }
    const envelope = parsed.data;
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await this.store.getWithSeq(envelope.id);
      const record = stored?.job;
      if (record && record.status !== 'scheduled' && record.status !== 'queued') {
        // Cancelled while waiting, or already released and running/finished.
        this.log.info({ job_id: envelope.id, status: record.status }, 'delayed job not released: no longer scheduled');
        m.ack();
        return;
      }
      const runAt = Date.parse(record?.runAt ?? m.headers?.get(RUN_AT_HEADER) ?? '') || 0;
      const remaining = runAt - Date.now();
      if (remaining > 0) {
        m.nak(Math.min(remaining, this.options.maxNakMs));
        return;
      }
      if (await this.release(m, envelope, record, stored?.seq)) return;
    }
    throw new Error(`job ${envelope.id}: its record kept changing during release`);
  }

  /** False when the record changed under us (a cancel): the caller looks again. */
  private async release(m: JsMsg, envelope: JobEnvelope, record: JobRecord | undefined, recordSeq: number | undefined): Promise<boolean> {
    const subject = jobsSubject(envelope.queue, bandFor(envelope.priority));
    return inSpan(
      `release ${envelope.queue}`,
      {
        kind: SpanKind.PRODUCER,
        parent: extractTrace(m.headers),
        attributes: {
          [Attr.messagingSystem]: 'nats',
          [Attr.messagingOperationType]: 'send',
          [Attr.messagingDestination]: subject,
          [Attr.jobId]: envelope.id,
          [Attr.jobType]: envelope.type,
        },
      },
      async () => {
        // One header set per publish: nats.js writes msgID and expectations into it.
        const traceHeaders = () => {
          const hdrs = injectTrace();
          const original = m.headers?.get('traceparent');
          if (!hdrs.has('traceparent') && original) hdrs.set('traceparent', original);
          return hdrs;
        };
        // "queued" is written (compare-and-set on the record's sequence, so a concurrent
        // cancel wins) before the queue message, so a worker's "running" never lands
        // before it. A crash between the two leaves the record "queued" and the delayed
        // message unacked: the next look publishes again, so nothing stays stuck.
        if (record?.status !== 'queued') {
          try {
            await this.store.write(released(record, envelope), { headers: traceHeaders(), expectSeq: recordSeq ?? 0 });
          } catch (err) {
            if (isWrongLastSequence(err)) return false;
            throw err;
          }
        }
        await this.ctx.js.publish(subject, m.data, { msgID: envelope.id, headers: traceHeaders() });
        m.ack();
        this.log.info({ job_id: envelope.id, queue: envelope.queue, run_at: record?.runAt }, 'delayed job released');
        return true;
      },
    );
  }
}
