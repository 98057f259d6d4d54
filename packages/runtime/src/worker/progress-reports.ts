import { clampPercent, type JobRecord } from '@reelay/contracts';
import type { JobMessage } from '../nats/job-message.js';
import type { RecordStore } from './worker-jobs.js';

/**
 * A handler's `ctx.progress`: every report moves the attempt's record and keeps the
 * message alive; writes go out at most every `throttleMs`, and the last report held back
 * lands (at `flush`) before the attempt's final state.
 */
export class ProgressReports {
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(
    /** The attempt: its record is what reports change and what is written. */
    private readonly attempt: { record: JobRecord; readonly message: JobMessage },
    private readonly store: RecordStore,
    private readonly throttleMs: number,
  ) {}

  report(percent: number, stage?: string): void {
    const next = { ...this.attempt.record, progress: clampPercent(percent) };
    if (stage !== undefined) next.stage = stage;
    this.attempt.record = next;
    this.attempt.message.working();
    if (this.timer) return;
    const wait = this.throttleMs - (Date.now() - this.lastWrite);
    if (wait <= 0) this.write();
    else this.timer = setTimeout(() => this.write(), wait);
  }

  /**
   * After this, reports write nothing. The trailing report the throttle held back is
   * written first: the promise is for that write, and there is none when nothing was held.
   */
  flush(): Promise<void> | undefined {
    const held = this.timer;
    if (!held) {
      this.settled = true;
      return undefined;
    }
    clearTimeout(held);
    this.timer = undefined;
    const settle = () => {
      this.settled = true;
    };
    return this.store.write(this.attempt.record, { kind: 'progress' }).then(settle, settle);
  }

  private write(): void {
    this.timer = undefined;
    if (this.settled) return;
    this.lastWrite = Date.now();
    void this.store.write(this.attempt.record, { kind: 'progress' }).catch(() => {});
  }
}
