import { SystemEvent, systemEventSubject } from '@reelay/contracts';
import type { Logger, NatsContext } from '@reelay/runtime';

const encoder = new TextEncoder();

/**
 * Publishes system-wide notices on `events.system.<kind>` (kept in the EVENTS stream,
 * so the dashboard and `reelay events` can replay them) and, for alerts, POSTs them to
 * an optional webhook. A webhook that fails is logged, never fatal: the event is
 * already in the stream.
 */
export class SystemEvents {
  constructor(
    private readonly ctx: NatsContext,
    private readonly log: Logger,
    private readonly webhookUrl?: string,
  ) {}

  async publish(kind: string, message: string, data?: unknown): Promise<SystemEvent> {
    const event: SystemEvent = SystemEvent.parse({ kind, at: new Date().toISOString(), message, data });
    await this.ctx.js.publish(systemEventSubject(kind), encoder.encode(JSON.stringify(event)));
    return event;
  }

  async alert(kind: string, message: string, data?: unknown): Promise<SystemEvent> {
    this.log.warn({ kind, data }, message);
    const event = await this.publish(kind, message, data);
    if (this.webhookUrl) {
      try {
        const res = await fetch(this.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(5_000),
        });
        if (!res.ok) this.log.warn({ status: res.status, kind }, 'alert webhook answered with an error');
      } catch (err) {
        this.log.warn({ err: String(err), kind }, 'alert webhook unreachable');
      }
    }
    return event;
  }
}
