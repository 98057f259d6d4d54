import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { outbox } from './outbox.js';

/** Where a JetStream message sits, read from its ack subject. */
export interface Delivery {
  stream: string;
  consumer: string;
  /** 1 on first delivery, 2 on the first redelivery… */
  deliveryCount: number;
  streamSequence: number;
  consumerSequence: number;
  pending: number;
}

/**
 * A message taken from a band consumer, with the JetStream ack protocol spelled out.
 *
 * nats.js v3 does not export its JsMsg constructor, and the worker takes messages with
 * raw `CONSUMER.MSG.NEXT` requests (see puller.ts), so the four replies live here.
 * A bare `-NAK` redelivers at once and ignores the consumer's backoff: retries always
 * pass a delay. `+TERM` is sent without a reason because 2.9.10 reads a reason as an
 * unknown reply and redelivers.
 */
export class JobMessage {
  readonly delivery: Delivery;
  private settled = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly msg: Msg,
  ) {
    this.delivery = parseAckSubject(msg.reply ?? '');
  }

  get data(): Uint8Array {
    return this.msg.data;
  }
  get headers(): MsgHdrs | undefined {
    return this.msg.headers;
  }
  get subject(): string {
    return this.msg.subject;
  }
  get isSettled(): boolean {
    return this.settled;
  }

  /** Final ack, confirmed by the server so a lost ack cannot make a job run twice. */
  async ack(): Promise<void> {
    this.settled = true;
    await this.nc.request(this.msg.reply ?? '', ACK, { timeout: 5_000 });
  }
  /**
   * Fire-and-forget ack for the hot path; a lost one is caught by the redelivery check.
   * Through the outbox (outbox.ts), so it leaves after the job's final record; held for
   * the worker's next write (the next job's records and pull) rather than sent alone.
   */
  ackNoWait(): void {
    this.settled = true;
    outbox(this.nc).publishLater(this.msg.reply ?? '', ACK);
  }
  nak(delayMs: number): void {
    this.settled = true;
    const nanos = Math.max(0, Math.round(delayMs)) * 1_000_000;
    outbox(this.nc).publish(this.msg.reply ?? '', new TextEncoder().encode(`-NAK {"delay":${nanos}}`));
  }
  /** Resets the AckWait clock: a live job is never redelivered. */
  working(): void {
    if (!this.settled) this.nc.publish(this.msg.reply ?? '', WPI);
  }
  /** Only after the job is safe in the DLQ: on a work-queue stream term deletes it. */
  async term(): Promise<void> {
    this.settled = true;
    await this.nc.request(this.msg.reply ?? '', TERM, { timeout: 5_000 });
  }
}

const ACK = new TextEncoder().encode('+ACK');
const WPI = new TextEncoder().encode('+WPI');
const TERM = new TextEncoder().encode('+TERM');

/**
 * `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>` (v1), or the v2
 * form with domain and account hash after ACK and a random token at the end.
 */
export function parseAckSubject(reply: string): Delivery {
  const t = reply.split('.');
  if (t[0] !== '$JS' || t[1] !== 'ACK') throw new Error(`not a JetStream ack subject: ${reply}`);
  const base = t.length === 9 ? 2 : 4;
  return {
    stream: t[base] ?? '',
    consumer: t[base + 1] ?? '',
    deliveryCount: Number(t[base + 2]),
    streamSequence: Number(t[base + 3]),
    consumerSequence: Number(t[base + 4]),
    pending: Number(t[base + 6]),
  };
}
