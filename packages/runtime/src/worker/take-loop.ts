import { bandConsumer, jobsStream, jobsSubject, jobsSubjectWildcard } from '@reelay/contracts';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '../logging/logger.js';
import type { JobMessage } from '../nats/job-message.js';
import { outbox } from '../nats/outbox.js';
import { Puller } from '../nats/puller.js';
import { BandOrder } from './band-order.js';

export interface TakeLoopDeps {
  nc: NatsConnection;
  logger: Logger;
  /** In preference order (decision 0002). */
  queues: readonly string[];
  /** Fallback sweep when idle, for delayed redeliveries that ring no doorbell. */
  idlePollMs: number;
  pauses: { has(queue: string): boolean };
  /** Slots free now: 0 while the worker holds (drain, recycle) or is full. */
  free(): number;
  /** Handlers the worker is running now (jobs that only wait for their settling write are not counted). */
  running(): number;
  /** Whether the worker still takes work; the loop ends when it turns false. */
  taking(): boolean;
  /** A taken message: the worker owns it from here, and must settle it. */
  take(message: JobMessage): void;
}

/**
 * Takes jobs from the band consumers of the worker's queues, never more than it has free
 * slots (flow control), with `no_wait` pulls (nats/puller.ts). Between takes it waits for
 * a ring: a queue's doorbell (a publish to its subjects, seen as a plain subscriber), a
 * slot freed, a pause lifted — or the idle interval.
 */
export class TakeLoop {
  private readonly order = new BandOrder();
  private readonly puller: Puller;
  private readonly doorbells: Subscription[] = [];
  private rings = 0;
  private wake: (() => void) | undefined;
  private done: Promise<void> = Promise.resolve();
  /**
   * Band subjects a pull just found drained. They are skipped until their doorbell rings
   * (a new job) or the idle interval passes (a delayed redelivery rings no bell), so a
   * busy worker spends one round trip per take instead of one per empty band.
   */
  private readonly drained = new Set<string>();
  /**
   * When each band's doorbell last rang. Core delivery can beat the stream's write, so a
   * pull right after a bell may come back empty: such a band is not marked drained, and
   * the loop looks again within a few milliseconds instead of waiting for the idle sweep.
   */
  private readonly bellAt = new Map<string, number>();
  private drainedSince = Date.now();

  constructor(private readonly deps: TakeLoopDeps) {
    // A message whose pull gave up waiting is still the worker's to settle.
    this.puller = new Puller(deps.nc, (m) => deps.take(m));
  }

  /** Subscribes the doorbells: an idle worker learns of new work at once instead of polling for it. */
  listen(): void {
    for (const queue of this.deps.queues) {
      this.doorbells.push(
        this.deps.nc.subscribe(jobsSubjectWildcard(queue), {
          callback: (_err, msg) => {
            this.drained.delete(msg.subject);
            this.bellAt.set(msg.subject, Date.now());
            // A full worker looks again when a slot frees; waking it now would only find none.
            if (this.deps.free() > 0) this.ring();
          },
        }),
      );
    }
  }

  /** Starts taking; runs until `taking()` turns false and the loop is rung. */
  start(): void {
    this.done = this.loop();
  }

  /** Something changed (a slot freed, a pause lifted, a doorbell): look again now. */
  ring(): void {
    this.rings += 1;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Waits for the loop to end (once `taking()` is false) and stops listening. */
  async stop(): Promise<void> {
    this.ring();
    await this.done;
    for (const sub of this.doorbells) sub.unsubscribe();
  }

  /** Drops the pull inboxes; after this, no message arrives. Sends the acks still queued. */
  close(): void {
    this.puller.close();
    outbox(this.deps.nc).flush();
  }

  private async loop(): Promise<void> {
    const { idlePollMs } = this.deps;
    while (this.deps.taking()) {
      const free = this.deps.free();
      const seen = this.rings;
      if (free <= 0) {
        await this.waitForRing(idlePollMs, seen);
        // Handlers finish in bursts: while others still run, let the rest of the burst
        // finish first, so one pull takes all the slots it freed. The last one running
        // pulls at once: its pull then leaves with its settling record (nats/outbox.ts).
        // Rung with no slot free yet, it waits for the next ring instead of a turn, or
        // the pull would miss that write.
        if (this.deps.running() > 0 && this.deps.free() > 0) await nextTurn();
        continue;
      }
      let took = 0;
      try {
        took = await this.sweep(free);
      } catch (err) {
        this.deps.logger.warn({ err }, 'taking jobs failed; retrying');
        await sleep(250);
      }
      if (took === 0) await this.waitForRing(this.anyRangRecently() ? 5 : idlePollMs, seen);
    }
  }

  private rangRecently(subject: string): boolean {
    return Date.now() - (this.bellAt.get(subject) ?? 0) < 50;
  }

  private anyRangRecently(): boolean {
    for (const subject of this.bellAt.keys()) if (this.rangRecently(subject)) return true;
    return false;
  }

  /** One pass over the queues (in preference order) and their bands (weighted order). */
  private async sweep(free: number): Promise<number> {
    if (Date.now() - this.drainedSince >= this.deps.idlePollMs) {
      this.drained.clear();
      this.drainedSince = Date.now();
    }
    let took = 0;
    for (const queue of this.deps.queues) {
      if (this.deps.pauses.has(queue)) continue;
      for (const band of this.order.next()) {
        if (!this.deps.taking()) return took;
        const subject = jobsSubject(queue, band);
        if (this.drained.has(subject)) continue;
        const asked = free - took;
        const messages = await this.puller.take(jobsStream(queue), bandConsumer(queue, band), asked);
        if (messages.length < asked && !this.rangRecently(subject)) this.drained.add(subject);
        for (const m of messages) this.deps.take(m);
        took += messages.length;
        if (took >= free) return took;
      }
    }
    return took;
  }

  private waitForRing(ms: number, seen: number): Promise<void> {
    if (this.rings !== seen || !this.deps.taking()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const nextTurn = () => new Promise<void>((r) => setImmediate(r));
