import { type HealthCheckOutput, UpkeepEventKind, type upkeepTasks, WorkerHeartbeat } from '@reelay/contracts';
import { type TaskHandler, uniqueKeys } from '@reelay/runtime';
import type { KV } from '../nats-handles.js';
import type { SystemEvents } from './system-events.js';

/**
 * `system.health-check`: workers whose heartbeat in KV `workers` is older than
 * staleAfterMs — alive enough to keep their entry, but not beating (a blocked event
 * loop, a frozen host) — are logged and announced as one `events.system.worker-stale`
 * event. A worker that died outright drops out of the bucket by its TTL instead.
 */
export function workerHealth(workers: KV, events: SystemEvents): TaskHandler<(typeof upkeepTasks)['system.health-check']> {
  return async (input) => {
    const now = Date.now();
    const stale: HealthCheckOutput['stale'] = [];
    let count = 0;
    for (const key of await uniqueKeys(workers)) {
      const entry = await workers.get(key);
      if (entry?.operation !== 'PUT') continue;
      const beat = WorkerHeartbeat.safeParse(entry.json());
      if (!beat.success) continue;
      count += 1;
      const ageMs = now - Date.parse(beat.data.at);
      if (ageMs > input.staleAfterMs) stale.push({ id: beat.data.id, service: beat.data.service, lastBeatAt: beat.data.at, ageMs });
    }
    if (stale.length > 0) {
      await events.alert(UpkeepEventKind.workerStale, `${stale.length} of ${count} workers have a stale heartbeat`, { stale });
    }
    return { workers: count, stale };
  };
}
