import { ALL_CANCELS, CONTROL_STREAM } from '@reelay/contracts';
import { DeliverPolicy } from '@nats-io/jetstream';
import type { NatsContext } from '../nats/connection.js';

/**
 * Every cancel request, replayed from the CONTROL stream at start and followed live.
 * Cancels are rare, so each worker keeps the set in memory: checking a job costs no
 * round trip, and a running job is told within one message hop.
 */
export class Cancellations {
  private readonly ids = new Set<string>();
  private readonly listeners = new Set<(id: string) => void>();
  private stopFn: (() => void) | undefined;

  constructor(private readonly ctx: NatsContext) {}

  async start(): Promise<void> {
    const consumer = await this.ctx.js.consumers.get(CONTROL_STREAM, {
      filter_subjects: ALL_CANCELS,
      deliver_policy: DeliverPolicy.All,
    });
    const messages = await consumer.consume({
      callback: (m) => {
        const id = m.subject.slice('control.cancel.'.length);
        this.ids.add(id);
        for (const listener of this.listeners) listener(id);
      },
    });
    this.stopFn = () => void messages.stop();
    // Wait for the replay so a job that was cancelled before we started is skipped.
    const info = await this.ctx.jsm.streams.info(CONTROL_STREAM);
    const target = info.state.last_seq;
    const deadline = Date.now() + 5_000;
    while (target > 0 && Date.now() < deadline) {
      const ci = await consumer.info(true).catch(() => undefined);
      if (!ci || ci.delivered.stream_seq >= target) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  onCancel(listener: (id: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopFn?.();
  }
}
