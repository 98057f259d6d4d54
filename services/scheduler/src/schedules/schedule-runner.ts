import type { KV } from '../nats-handles.js';
import { isTerminal, Schedule, type ScheduleState, scheduledJobRequest, tickIdempotencyKey } from '@reelay/contracts';
import { InvalidInputError, type JobClient, type Logger } from '@reelay/runtime';
import type { LeaderLease } from '../leadership/leader-lease.js';
import { ScheduleClock } from './schedule-clock.js';
import type { ScheduleStore, StoredSchedule } from './schedule-store.js';

export interface ScheduleRunnerOptions {
  /** How often due ticks are looked for. */
  tickMs: number;
  /** Missed ticks at most this old still fire after a failover; older ones are dropped. */
  catchupMs: number;
}

interface Deps {
  kv: KV;
  store: ScheduleStore;
  jobs: JobClient;
  lease: LeaderLease;
  log: Logger;
}

type Decision = { kind: 'fire'; tick: Date; buffered: boolean } | { kind: 'skip'; tick: Date } | { kind: 'buffer'; tick: Date };

/**
 * Fires periodic schedules: every replica keeps the schedules in memory from a KV
 * watch, and only the leader (see LeaderLease) enqueues their jobs. Each tick's job has
 * the idempotency key `<scheduleId>:<tick ISO time>`, so a tick fired twice — by an old
 * leader that had not noticed it lost the lease, or by a new leader catching up on a
 * tick whose state write was lost — still makes exactly one job.
 *
 * Not here: when ticks fall (ScheduleClock) and what the built-ins are (built-in-schedules.ts).
 */
export class ScheduleRunner {
  private readonly schedules = new Map<string, StoredSchedule>();
  private readonly clocks = new Map<string, { key: string; clock: ScheduleClock | Error }>();
  private stopWatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private passing: Promise<void> | undefined;

  constructor(
    private readonly deps: Deps,
    private readonly options: ScheduleRunnerOptions,
  ) {}

  async start(): Promise<void> {
    const watch = await this.deps.kv.watch();
    this.stopWatch = () => watch.stop();
    void (async () => {
      for await (const entry of watch) {
        if (entry.operation !== 'PUT') {
          this.schedules.delete(entry.key);
          continue;
        }
        const parsed = Schedule.safeParse(entry.json());
        if (!parsed.success) {
          this.deps.log.warn({ schedule: entry.key }, 'unreadable schedule record ignored');
          continue;
        }
        this.remember({ schedule: parsed.data, revision: entry.revision });
      }
    })();
    this.timer = setInterval(() => {
      this.passing ??= this.pass().finally(() => {
        this.passing = undefined;
      });
    }, this.options.tickMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopWatch?.();
    await this.passing;
  }

  /** Our own writes land here at once, so the next pass never fires the same tick again. */
  private remember(stored: StoredSchedule): void {
    const known = this.schedules.get(stored.schedule.id);
    if (!known || known.revision < stored.revision) this.schedules.set(stored.schedule.id, stored);
  }

  private async pass(): Promise<void> {
    for (const stored of [...this.schedules.values()]) {
      if (!this.deps.lease.isLeader) return;
      try {
        await this.handle(stored);
      } catch (err) {
        this.deps.log.warn({ err, schedule: stored.schedule.id }, 'schedule pass failed; retrying next pass');
      }
    }
  }

  private clockFor(schedule: Schedule): ScheduleClock | Error {
    const key = JSON.stringify([schedule.spec, schedule.createdAt]);
    const cached = this.clocks.get(schedule.id);
    if (cached?.key === key) return cached.clock;
    let clock: ScheduleClock | Error;
    try {
      clock = new ScheduleClock(schedule.spec, schedule.createdAt);
    } catch (err) {
      clock = err instanceof Error ? err : new Error(String(err));
    }
    this.clocks.set(schedule.id, { key, clock });
    return clock;
  }

  private async handle(stored: StoredSchedule): Promise<void> {
    const { schedule } = stored;
    if (schedule.paused) return;
    const clock = this.clockFor(schedule);
    if (clock instanceof Error) {
      if (schedule.state.lastError !== clock.message) await this.writeState(stored, (s) => ({ ...s, lastError: clock.message }));
      return;
    }
    const decision = await this.decide(schedule, clock);
    if (!decision) {
      const next = clock.nextAfter(new Date(this.floor(schedule)))?.toISOString();
      if (next !== schedule.state.nextTickAt) await this.writeState(stored, (s) => withNext(s, next));
      return;
    }
    const tickIso = decision.tick.toISOString();
    const after = (s: ScheduleState) => clock.nextAfter(new Date(Math.max(decision.tick.getTime(), Date.parse(s.lastTickAt ?? '') || 0)));
    if (decision.kind === 'skip') {
      this.deps.log.info({ schedule: schedule.id, tick: tickIso }, 'tick skipped: previous job still running');
      await this.writeState(stored, (s) => withNext({ ...s, lastTickAt: tickIso, skipped: s.skipped + 1 }, after(s)?.toISOString()));
      return;
    }
    if (decision.kind === 'buffer') {
      this.deps.log.info({ schedule: schedule.id, tick: tickIso }, 'tick buffered until the previous job finishes');
      await this.writeState(stored, (s) => withNext({ ...s, lastTickAt: tickIso, bufferedTickAt: tickIso }, after(s)?.toISOString()));
      return;
    }
    await this.fire(stored, decision.tick, decision.buffered, after);
  }

  /** Ticks are looked for strictly after this instant. */
  private floor(schedule: Schedule): number {
    const { state } = schedule;
    return Math.max(
      Date.parse(state.lastTickAt ?? schedule.createdAt),
      schedule.resumedAt ? Date.parse(schedule.resumedAt) : 0,
      Date.now() - this.options.catchupMs,
    );
  }

  private async decide(schedule: Schedule, clock: ScheduleClock): Promise<Decision | undefined> {
    const { state } = schedule;
    if (state.bufferedTickAt) {
      // A buffered tick goes first, once its predecessor is done; later ticks wait behind it.
      if (await this.previousFinished(state)) return { kind: 'fire', tick: new Date(state.bufferedTickAt), buffered: true };
      const tick = clock.nextAfter(new Date(this.floor(schedule)));
      return tick && tick.getTime() <= Date.now() ? { kind: 'skip', tick } : undefined;
    }
    const tick = clock.nextAfter(new Date(this.floor(schedule)));
    if (!tick || tick.getTime() > Date.now()) return undefined;
    if (schedule.overlap === 'allow' || (await this.previousFinished(state))) return { kind: 'fire', tick, buffered: false };
    return schedule.overlap === 'buffer-one' ? { kind: 'buffer', tick } : { kind: 'skip', tick };
  }

  private async previousFinished(state: ScheduleState): Promise<boolean> {
    if (!state.lastJobId) return true;
    const job = await this.deps.jobs.get(state.lastJobId);
    return !job || isTerminal(job.status);
  }

  private async fire(stored: StoredSchedule, tick: Date, buffered: boolean, after: (s: ScheduleState) => Date | undefined): Promise<void> {
    const { schedule } = stored;
    const tickIso = tick.toISOString();
    let jobId: string | undefined;
    let created = false;
    let error: string | undefined;
    try {
      const result = await this.deps.jobs.enqueue({
        ...scheduledJobRequest(schedule, tickIso),
        idempotencyKey: tickIdempotencyKey(schedule.id, tickIso),
      });
      jobId = result.job.id;
      created = result.created;
    } catch (err) {
      // A job the catalogue no longer accepts will not be accepted next tick either:
      // record why and move on. Anything else (NATS away) is retried on the next pass.
      if (!(err instanceof InvalidInputError)) throw err;
      error = err.message;
    }
    if (jobId) this.deps.log.info({ schedule: schedule.id, tick: tickIso, job_id: jobId, created }, 'schedule fired');
    else this.deps.log.warn({ schedule: schedule.id, tick: tickIso, error }, 'schedule tick could not enqueue its job');
    await this.writeState(stored, (s) => {
      const next: ScheduleState = {
        ...s,
        lastTickAt: buffered ? s.lastTickAt : tickIso,
        fired: s.fired + (created ? 1 : 0),
      };
      if (buffered) delete next.bufferedTickAt;
      if (jobId) {
        next.lastJobId = jobId;
        next.lastFiredAt = tickIso;
        delete next.lastError;
      }
      if (error) next.lastError = error;
      return withNext(next, after(next)?.toISOString());
    });
  }

  private async writeState(stored: StoredSchedule, change: (s: ScheduleState) => ScheduleState): Promise<void> {
    const written = await this.deps.store.updateState(stored.schedule.id, change, this.schedules.get(stored.schedule.id) ?? stored);
    if (written) this.remember(written);
    else this.schedules.delete(stored.schedule.id);
  }
}

function withNext(state: ScheduleState, next: string | undefined): ScheduleState {
  const out = { ...state };
  if (next) out.nextTickAt = next;
  else delete out.nextTickAt;
  return out;
}
