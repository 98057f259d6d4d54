import { type ApiError, JetStreamApiError, type PubAck, PubHeaders } from '@nats-io/jetstream';
import {
  createInbox,
  errors as coreErrors,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  headers as natsHeaders,
  type Subscription,
} from '@nats-io/transport-node';
import { type Outbox, type OutboxData, outbox, perConnection, type QueuedPublish } from './outbox.js';

export interface StreamPublishOptions {
  headers?: MsgHdrs | undefined;
  /** Nats-Msg-Id: the stream drops a second message with the same id in its duplicate window. */
  msgID?: string | undefined;
  /** Lands only if the subject's last message is still this one (0: none yet). */
  expectLastSubjectSequence?: number | undefined;
  /** @default 10000, as the runtime's JetStream client */
  timeoutMs?: number | undefined;
}

interface Pending {
  subject: string;
  deadline: number;
  /** With a message id: when to send the write again if no answer came by then, and how. */
  resendAt?: number;
  resend?: () => void;
  /** With undefined only when the write was withdrawn before it was sent. */
  resolve: (ack: PubAck | undefined) => void;
  reject: (err: Error) => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** How often waiting publishes are checked against their deadline. */
const SWEEP_MS = 100;
/**
 * A write with a message id that has no answer this long after it was sent is sent
 * again (and again, this often, until its deadline). A stream that is electing a leader
 * answers nothing: its replicas drop what they are sent until one of them leads, and a
 * write sent then would wait out its whole timeout. The copies carry the same message
 * id, so the stream stores one of them; the first answer settles the write.
 */
export const RESEND_AFTER_MS = 1_000;
const decoder = new TextDecoder();

/**
 * JetStream publishes whose acks come back on one wildcard inbox per connection, matched
 * by a counter — what `js.publish` does, without a nats.js request per write. A request
 * there costs a random token, a deferred, a timer and, when it completes, an Error built
 * with its stack (`RequestError("cancelled")`, request.js), and jetstream adds an empty
 * header block to every message: at a few writes per job that was the largest share of
 * a busy worker's CPU in nats.js (docs/benchmarks.md, issue 12).
 *
 * Same answers as `js.publish`: the PubAck, a JetStreamApiError for the stream's refusal
 * (wrong last sequence, no leader), NoRespondersError when no stream listens, and a
 * TimeoutError when no answer came in time — so nats-errors.ts classifies both alike.
 * Deadlines are checked every 100 ms, not timed one by one; a write with a message id is
 * sent again while it waits (RESEND_AFTER_MS), as a stream electing a leader drops what it
 * is sent. Writes leave through the
 * connection's outbox (outbox.ts): in order, and those of one turn in one socket write.
 */
export class StreamPublisher {
  private readonly prefix = `${createInbox()}.`;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private sub: Subscription | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  private readonly outbox: Outbox;

  constructor(private readonly nc: NatsConnection) {
    this.outbox = outbox(nc);
    // A closed connection answers nothing more: what waits fails now, as nats.js fails
    // its requests, instead of at its deadline (and the sweep no longer holds the process).
    void nc.closed().then(() => this.close());
  }

  publish(subject: string, data: Uint8Array, options: StreamPublishOptions = {}): Promise<PubAck> {
    // Resolves with undefined only once withdrawn, which only publishWithdrawable offers.
    return this.start(subject, data, options).ack as Promise<PubAck>;
  }

  /**
   * As `publish`, and the write can be taken back until it leaves the process (the end of
   * this turn, outbox.ts): `withdraw` returns true when it will not be sent, and `ack`
   * then resolves with undefined; false when it was sent already (`ack` answers as usual).
   * `data` may be a function that makes the bytes: it is called only if the write is sent.
   */
  publishWithdrawable(
    subject: string,
    data: OutboxData,
    options: StreamPublishOptions = {},
  ): { ack: Promise<PubAck | undefined>; withdraw(): boolean } {
    const { id, ack, queued } = this.start(subject, data, options);
    return {
      ack,
      withdraw: () => {
        if (!this.outbox.withdraw(queued)) return false;
        const p = this.pending.get(id);
        // The sweep is left running: the settling write that withdrew this one follows at once.
        this.pending.delete(id);
        p?.resolve(undefined);
        return true;
      },
    };
  }

  private start(
    subject: string,
    data: OutboxData,
    options: StreamPublishOptions,
  ): { id: number; ack: Promise<PubAck | undefined>; queued: QueuedPublish } {
    const { msgID, expectLastSubjectSequence } = options;
    let headers = options.headers;
    if (msgID !== undefined || expectLastSubjectSequence !== undefined) {
      headers ??= natsHeaders();
      if (msgID !== undefined) headers.set(PubHeaders.MsgIdHdr, msgID);
      if (expectLastSubjectSequence !== undefined)
        headers.set(PubHeaders.ExpectedLastSubjectSequenceHdr, String(expectLastSubjectSequence));
    }
    this.sub ??= this.nc.subscribe(`${this.prefix}*`, { callback: (_err, msg) => this.answer(msg) });
    const id = this.next++;
    let queued: QueuedPublish | undefined;
    const ack = new Promise<PubAck | undefined>((resolve, reject) => {
      const reply = this.prefix + id;
      const publishOptions = headers ? { reply, headers } : { reply };
      const now = Date.now();
      const pending: Pending = { subject, deadline: now + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS), resolve, reject };
      if (msgID !== undefined) {
        pending.resendAt = now + RESEND_AFTER_MS;
        pending.resend = () => this.outbox.publish(subject, data, publishOptions, (err) => this.fail(id, err));
      }
      this.pending.set(id, pending);
      // Unref'd: while the connection is open its socket keeps the process alive.
      this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
      // A closed connection refuses it at the flush, as js.publish rejects at once.
      queued = this.outbox.publish(subject, data, publishOptions, (err) => this.fail(id, err));
    });
    return { id, ack, queued: queued as QueuedPublish };
  }

  /** Fails what still waits (as a closed connection would) and stops listening. */
  close(): void {
    this.sub?.unsubscribe();
    this.sub = undefined;
    this.stopSweeping();
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new coreErrors.ClosedConnectionError());
    }
  }

  private answer(msg: Msg): void {
    const id = Number(msg.subject.slice(this.prefix.length));
    const p = this.pending.get(id);
    if (!p) return; // Timed out already.
    this.pending.delete(id);
    if (this.pending.size === 0) this.stopSweeping();
    if (msg.data.length === 0) {
      // A status: 503 when nothing listens on the subject.
      p.reject(
        msg.headers?.code === 503
          ? new coreErrors.NoRespondersError(p.subject)
          : new coreErrors.RequestError(`status ${msg.headers?.code}`),
      );
      return;
    }
    let reply: PubAck & { error?: ApiError };
    try {
      reply = JSON.parse(decoder.decode(msg.data));
    } catch (err) {
      p.reject(err as Error);
      return;
    }
    if (reply.error) p.reject(new JetStreamApiError(reply.error));
    else
      p.resolve({
        stream: reply.stream,
        seq: reply.seq,
        duplicate: reply.duplicate === true,
        ...(reply.domain ? { domain: reply.domain } : {}),
      });
  }

  private fail(id: number, err: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.stopSweeping();
    p.reject(err);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, p] of this.pending) {
      if (p.deadline <= now) {
        this.pending.delete(id);
        p.reject(new coreErrors.TimeoutError());
      } else if (p.resend && p.resendAt !== undefined && p.resendAt <= now) {
        p.resendAt = now + RESEND_AFTER_MS;
        p.resend();
      }
    }
    if (this.pending.size === 0) this.stopSweeping();
  }

  private stopSweeping(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}

/** The connection's publisher, made on first use. */
export const streamPublisher = perConnection((nc) => new StreamPublisher(nc));
