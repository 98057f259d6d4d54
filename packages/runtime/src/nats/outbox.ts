import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';

/** A message's bytes, or how to make them at the flush (only if it is still sent then). */
export type OutboxData = Uint8Array | (() => Uint8Array);

interface Queued {
  subject: string;
  data: OutboxData;
  options: { reply?: string; headers?: MsgHdrs } | undefined;
  onError: ((err: Error) => void) | undefined;
  /** The batch it was queued in: still `queued` until that batch is flushed. */
  batch?: Queued[];
  /** Taken back before its flush (`withdraw`): it is not sent. */
  withdrawn?: boolean;
}

/** A publish queued in the outbox, which `withdraw` can take back until it is sent. */
export type QueuedPublish = object;

/**
 * Publishes made in one turn of the event loop, sent together at its end (setImmediate)
 * in one socket write. nats.js flushes its outbound buffer on a microtask, so a job's
 * writes — the `running` record, then, once the handler has returned, the final one; the
 * ack, then the pull for the next job — each went out in a write (and a read on the
 * server) of their own, and a write on a loaded VM is the costliest call a worker makes
 * at concurrency 1 (docs/benchmarks.md, issue 12).
 *
 * Order is kept: everything `publish`ed here leaves in the order it was queued. So the
 * runtime's writes that must stay in order (a job's records, its nak after its retry
 * record) all go through the connection's outbox. An ack is sent with `publishLater`
 * only once its job's record is stored, so nothing needs it in order. Requests nats.js
 * makes itself (KV, direct gets, confirmed acks) do not, and need no order against these.
 */
export class Outbox {
  private queued: Queued[] = [];
  /** `publishLater`s: they go out at the end of the next flush. */
  private later: Queued[] = [];
  private scheduled = false;
  private lateTimer: NodeJS.Timeout | undefined;

  constructor(private readonly nc: NatsConnection) {}

  /**
   * Queues a publish. A connection that refuses it (closed, a bad subject) reports to
   * `onError` at the flush; without one, the error is dropped — as for an ack, which the
   * server's AckWait stands behind.
   */
  publish(
    subject: string,
    data: OutboxData,
    options?: { reply?: string; headers?: MsgHdrs },
    onError?: (err: Error) => void,
  ): QueuedPublish {
    const q: Queued = { subject, data, options, onError, batch: this.queued };
    this.queued.push(q);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return q;
  }

  /**
   * Takes back a publish that has not been sent yet: true when it will not be, false when
   * it already left (or was taken back before). A job's `running` record is taken back
   * this way when its final record follows it within the same turn.
   */
  withdraw(publish: QueuedPublish): boolean {
    const q = publish as Queued;
    if (q.withdrawn || q.batch !== this.queued) return false;
    q.withdrawn = true;
    return true;
  }

  /**
   * Queues a publish nobody waits on and nothing must follow (a job's ack, sent once its
   * record is stored): it leaves with the next write the connection makes, after what
   * that write was made for, or within `LATE_MS` when none comes. At concurrency 1 a
   * job's ack then shares the socket write of the next job's pull and records instead of
   * taking one of its own, and the server answers the pull before it handles the ack.
   */
  publishLater(subject: string, data: Uint8Array): void {
    this.later.push({ subject, data, options: undefined, onError: undefined });
    if (!this.scheduled && this.lateTimer === undefined) {
      this.lateTimer = setTimeout(() => {
        this.lateTimer = undefined;
        this.flush();
      }, LATE_MS);
    }
  }

  /** Sends what is queued now (also at the end of each turn): publishes in order, then what waited for them. */
  flush(): void {
    this.scheduled = false;
    if (this.lateTimer !== undefined) {
      clearTimeout(this.lateTimer);
      this.lateTimer = undefined;
    }
    const batch = this.queued;
    this.queued = [];
    const later = this.later;
    if (later.length > 0) this.later = [];
    for (const q of batch) this.send(q);
    for (const q of later) this.send(q);
  }

  private send(q: Queued): void {
    if (q.withdrawn) return;
    try {
      this.nc.publish(q.subject, typeof q.data === 'function' ? q.data() : q.data, q.options);
    } catch (err) {
      q.onError?.(err as Error);
    }
  }
}

/** How long a `publishLater` waits at most for a write to go with. */
const LATE_MS = 2;

/**
 * One `T` per connection, made on first use: the outbox and the stream publisher each
 * keep one inbox or queue per connection, whoever calls them.
 */
export function perConnection<T>(make: (nc: NatsConnection) => T): (nc: NatsConnection) => T {
  const made = new WeakMap<NatsConnection, T>();
  return (nc) => {
    let value = made.get(nc);
    if (value === undefined) {
      value = make(nc);
      made.set(nc, value);
    }
    return value;
  };
}

/** The connection's outbox, made on first use. */
export const outbox = perConnection((nc) => new Outbox(nc));
