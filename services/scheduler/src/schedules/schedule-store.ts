import type { KV } from '../nats-handles.js';
import { Schedule, type ScheduleState } from '@reelay/contracts';

export interface StoredSchedule {
  schedule: Schedule;
  revision: number;
}

/**
 * Schedules in KV `schedules`. The gateway writes definitions (create, pause, resume,
 * delete) and the leader writes `state`; both update at the revision they read, so
 * neither overwrites the other's change.
 */
export class ScheduleStore {
  constructor(private readonly kv: KV) {}

  async get(id: string): Promise<StoredSchedule | undefined> {
    const entry = await this.kv.get(id);
    if (entry?.operation !== 'PUT') return undefined;
    const parsed = Schedule.safeParse(entry.json());
    return parsed.success ? { schedule: parsed.data, revision: entry.revision } : undefined;
  }

  /** Creates the schedule unless the id is taken; false when it was. */
  async create(schedule: Schedule): Promise<boolean> {
    try {
      await this.kv.create(schedule.id, JSON.stringify(schedule));
      return true;
    } catch {
      return false;
    }
  }

  /** Replaces the whole record at `revision`; throws when someone wrote in between. */
  async replace(schedule: Schedule, revision: number): Promise<number> {
    return this.kv.update(schedule.id, JSON.stringify({ ...schedule, updatedAt: new Date().toISOString() }), revision);
  }

  /**
   * Applies `change` to the latest state, re-reading and retrying when a definition
   * write (pause, resume) landed in between. Returns the record written, or undefined
   * when the schedule was deleted meanwhile.
   */
  async updateState(
    id: string,
    change: (state: ScheduleState, schedule: Schedule) => ScheduleState,
    known?: StoredSchedule,
  ): Promise<StoredSchedule | undefined> {
    let current = known ?? (await this.get(id));
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      const next: Schedule = { ...current.schedule, state: change(current.schedule.state, current.schedule) };
      try {
        const revision = await this.kv.update(id, JSON.stringify(next), current.revision);
        return { schedule: next, revision };
      } catch {
        current = await this.get(id);
      }
    }
    if (current) throw new Error(`schedule ${id}: state update kept conflicting`);
    return undefined;
  }
}
