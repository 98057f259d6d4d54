import type { ScheduleSpec } from '@reelay/contracts';
import { Cron } from 'croner';

/**
 * When a schedule's ticks fall. Ticks are a pure function of the spec (and, for
 * every-N, the creation time), so any replica that becomes leader computes the same
 * tick times — which is what makes the per-tick idempotency key hold across failover.
 */
export class ScheduleClock {
  private readonly cron: Cron | undefined;
  private readonly everyMs: number | undefined;
  private readonly anchorMs: number;

  /** Throws when croner rejects the expression or time zone. */
  constructor(spec: ScheduleSpec, createdAt: string) {
    this.anchorMs = Date.parse(createdAt);
    if ('cron' in spec) {
      // 5 fields are minutes-first; 6 add seconds: croner's "5-or-6-parts" matches the contract.
      this.cron = new Cron(spec.cron, { timezone: spec.timezone, paused: true, mode: '5-or-6-parts' });
      // Croner checks the time zone lazily; ask once now so a bad one fails here.
      this.cron.nextRun();
    } else {
      this.everyMs = spec.everyMs;
    }
  }

  /** The first tick strictly after `from`, or undefined when there is none. */
  nextAfter(from: Date): Date | undefined {
    if (this.cron) return this.cron.nextRun(from) ?? undefined;
    const every = this.everyMs ?? 0;
    const k = Math.floor((from.getTime() - this.anchorMs) / every) + 1;
    return new Date(this.anchorMs + Math.max(1, k) * every);
  }
}
