import { BUILT_IN_SCHEDULE_PREFIX, type Schedule, type ScheduledJob } from '@reelay/contracts';
import type { Logger } from '@reelay/runtime';
import type { SchedulerEnv } from '../config.js';
import type { ScheduleStore } from './schedule-store.js';

/** The project built-in upkeep schedules and their jobs belong to. */
export const SYSTEM_PROJECT = 'system';

interface BuiltIn {
  id: string;
  name: string;
  everyMs: number;
  job: ScheduledJob;
}

export function builtInSchedules(config: SchedulerEnv): BuiltIn[] {
  return [
    {
      id: `${BUILT_IN_SCHEDULE_PREFIX}cleanup`,
      name: 'Delete old artifacts and keep the store under its size limit',
      everyMs: config.CLEANUP_EVERY_MS,
      job: {
        type: 'system.cleanup',
        input: { maxAgeHours: config.ARTIFACT_MAX_AGE_HOURS, maxTotalBytes: config.ARTIFACTS_MAX_TOTAL_BYTES },
      },
    },
    {
      id: `${BUILT_IN_SCHEDULE_PREFIX}dlq-summary`,
      name: 'Summarise the DLQ and alert on a high failure rate',
      everyMs: config.DLQ_SUMMARY_EVERY_MS,
      job: {
        type: 'system.dlq-summary',
        input: {
          windowMinutes: config.FAILURE_RATE_WINDOW_MINUTES,
          threshold: config.FAILURE_RATE_ALERT_THRESHOLD,
          minJobs: config.FAILURE_RATE_MIN_JOBS,
        },
      },
    },
    {
      id: `${BUILT_IN_SCHEDULE_PREFIX}health-check`,
      name: 'Report workers whose heartbeat went stale',
      everyMs: config.HEALTH_CHECK_EVERY_MS,
      job: { type: 'system.health-check', input: { staleAfterMs: config.WORKER_STALE_AFTER_MS } },
    },
  ];
}

/**
 * Registers the built-in upkeep schedules, or brings an existing one's interval and
 * limits in line with this process's config. Whether one is paused, and what it has
 * fired, is the operator's and the leader's: kept as found. Every replica runs this at
 * start; the create and the revision-checked update make that safe.
 */
export async function registerBuiltInSchedules(store: ScheduleStore, config: SchedulerEnv, log: Logger): Promise<void> {
  for (const builtIn of builtInSchedules(config)) {
    const now = new Date().toISOString();
    const existing = await store.get(builtIn.id);
    if (!existing) {
      const schedule: Schedule = {
        id: builtIn.id,
        name: builtIn.name,
        project: SYSTEM_PROJECT,
        spec: { everyMs: builtIn.everyMs },
        job: builtIn.job,
        overlap: 'skip',
        paused: false,
        builtIn: true,
        createdAt: now,
        updatedAt: now,
        state: { fired: 0, skipped: 0 },
      };
      if (await store.create(schedule)) log.info({ schedule: builtIn.id }, 'built-in schedule registered');
      continue;
    }
    const { schedule } = existing;
    const wanted = { spec: { everyMs: builtIn.everyMs }, job: builtIn.job, name: builtIn.name };
    if (JSON.stringify({ spec: schedule.spec, job: schedule.job, name: schedule.name }) === JSON.stringify(wanted)) continue;
    await store
      .replace({ ...schedule, ...wanted }, existing.revision)
      .then(() => log.info({ schedule: builtIn.id }, 'built-in schedule updated to this config'))
      .catch(() => log.info({ schedule: builtIn.id }, 'built-in schedule changed concurrently; left as found'));
  }
}
