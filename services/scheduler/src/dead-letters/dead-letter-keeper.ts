import { type DeadLetter, ErrorCode, isTerminal, JobEnvelope, MAX_DELIVERIES_ADVISORY_PREFIX, type WireError } from '@reelay/contracts';
import {
  deadLettered,
  type JobClient,
  jsonPayload,
  type Logger,
  type NatsContext,
  type Subscription,
  withLostAttempt,
} from '@reelay/runtime';
import { z } from 'zod';
import type { KV } from '../nats-handles.js';

/** What the server says when a consumer gives up on a message (io.nats.jetstream.advisory.v1.max_deliver). */
const MaxDeliveriesAdvisory = z.object({
  stream: z.string(),
  consumer: z.string(),
  stream_seq: z.number().int().positive(),
  deliveries: z.number().int().optional(),
});
type MaxDeliveriesAdvisory = z.infer<typeof MaxDeliveriesAdvisory>;

/** Only job queues are kept: other streams' consumers are not ours to empty. */
const JOB_STREAM_PREFIX = 'JOBS_';

/**
 * Moves jobs that reached their consumer's max_deliver to the DLQ. Such a message stays
 * in its work-queue stream, skipped, and only the MAX_DELIVERIES advisory names it; left
 * there, a recreated consumer would deliver it again. This is the backstop for a job that
 * keeps killing its worker (the worker dead-letters every failure it lives to see).
 *
 * Order matters: fetch by sequence, copy to the DLQ, mark the record failed, and only
 * then delete — a crash in between leaves a duplicate, never a lost job. Every replica
 * subscribes in one queue group, and a KV `locks` create on `dlq-keeper.<stream>.<seq>`
 * makes sure that even a repeated advisory is handled once.
 */
export class DeadLetterKeeper {
  private sub: Subscription | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: { ctx: NatsContext; jobs: JobClient; locks: KV; log: Logger }) {}

  start(): void {
    this.sub = this.deps.ctx.nc.subscribe(`${MAX_DELIVERIES_ADVISORY_PREFIX}.>`, {
      queue: 'reelay-dead-letter-keeper',
      callback: (err, msg) => {
        if (err) return;
        const advisory = MaxDeliveriesAdvisory.safeParse(jsonPayload(msg.data));
        if (!advisory.success || !advisory.data.stream.startsWith(JOB_STREAM_PREFIX)) return;
        const work = this.keep(advisory.data).catch((keepErr) => {
          this.deps.log.error({ err: keepErr, ...advisory.data }, 'could not move a max-deliveries job to the DLQ');
        });
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
    });
  }

  async stop(): Promise<void> {
    this.sub?.unsubscribe();
    await Promise.all(this.inFlight);
  }

  private async keep(advisory: MaxDeliveriesAdvisory): Promise<void> {
    const { ctx, jobs, locks, log } = this.deps;
    const { stream, stream_seq: seq } = advisory;
    try {
      await locks.create(`dlq-keeper.${stream}.${seq}`, new Date().toISOString());
    } catch {
      return; // another replica has it
    }
    const stored = await ctx.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (!stored) return; // acked at the last moment, or already moved
    const parsed = JobEnvelope.safeParse(jsonPayload(stored.data));
    if (!parsed.success) {
      log.error({ stream, seq }, 'max-deliveries message is not a job envelope; left in place');
      return;
    }
    const envelope = parsed.data;
    const record = await jobs.get(envelope.id);
    if (record && isTerminal(record.status)) {
      // It finished; only its ack was lost. Nothing to dead-letter.
      await ctx.jsm.streams.deleteMessage(stream, seq);
      return;
    }
    const deadAt = new Date().toISOString();
    const error: WireError = {
      code: ErrorCode.WORKER_LOST,
      message: `delivered ${advisory.deliveries ?? 'max'} times by ${stream}/${advisory.consumer} without an answer: its worker keeps dying`,
      retryable: false,
      details: { stream, consumer: advisory.consumer, streamSeq: seq, deliveries: advisory.deliveries },
    };
    const dead: DeadLetter = {
      job: envelope,
      reason: 'max-deliveries',
      error,
      errors: record ? withLostAttempt(record) : [],
      deadAt,
      ...(envelope.traceId ? { traceId: envelope.traceId } : {}),
    };
    await jobs.writeDeadLetter(dead);
    await jobs.store.write(deadLettered(record ? { ...record, errors: withLostAttempt(record) } : undefined, envelope, error));
    await ctx.jsm.streams.deleteMessage(stream, seq);
    log.warn({ job_id: envelope.id, stream, consumer: advisory.consumer, seq }, 'max-deliveries job moved to the DLQ');
  }
}
