import { envInt, HealthEnv, RecycleEnv, RuntimeEnv } from '@reelay/runtime';
import { z } from 'zod';

/** The scheduler's variables, on top of the runtime's. Parsed once, in main.ts. */
export const SchedulerEnv = RuntimeEnv.extend({
  ...HealthEnv.shape,
  ...RecycleEnv.shape,
  SYSTEM_CONCURRENCY: envInt(50, 1).describe('Concurrent system.* jobs (noop, sleep, upkeep) in this process.'),
  LEADER_RENEW_MS: envInt(3_000, 200).describe(
    'How often the leader renews its lease in KV `locks` (whose TTL is 10 s); a follower retries taking it as often.',
  ),
  SCHEDULE_TICK_MS: envInt(250, 50).describe('How often the leader looks for due schedule ticks; a tick fires at most this late.'),
  SCHEDULE_CATCHUP_MS: envInt(60_000, 0).describe(
    'Ticks missed while no leader ran (failover, restart) are still fired when at most this old; older ones are dropped.',
  ),
  WORKFLOW_DUE_GRACE_MS: envInt(10_000, 100).describe(
    'A workflow written with steps due (a submit or retry whose writer stopped before queueing them) has them queued by the engine after this long.',
  ),
  DELAYED_MAX_NAK_MS: envInt(30_000, 1_000).describe(
    'A delayed job not yet due is looked at again after min(runAt − now, this); bounds how stale a cancel check can be.',
  ),
  DELAYED_MAX_PENDING: envInt(100_000, 1_000).describe(
    'Max delayed jobs waiting at once (the releaser consumer’s max_ack_pending: every waiting job is pending there).',
  ),
  ARTIFACT_MAX_AGE_HOURS: z.coerce.number().positive().default(168).describe('The cleanup schedule deletes artifacts older than this.'),
  ARTIFACTS_MAX_TOTAL_BYTES: envInt(0, 0).describe(
    'Past this total size the cleanup schedule deletes the oldest artifacts until the store fits; 0 = no limit.',
  ),
  CLEANUP_EVERY_MS: envInt(3_600_000, 1_000).describe('How often the built-in cleanup schedule runs.'),
  DLQ_SUMMARY_EVERY_MS: envInt(300_000, 1_000).describe('How often the built-in DLQ summary and failure-rate check runs.'),
  FAILURE_RATE_WINDOW_MINUTES: z.coerce.number().positive().default(15).describe('The window the failure rate is counted over.'),
  FAILURE_RATE_ALERT_THRESHOLD: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.2)
    .describe('failed / (failed + succeeded) in the window above which an alert is raised (log, event, webhook).'),
  FAILURE_RATE_MIN_JOBS: envInt(10, 1).describe('Fewer finished jobs than this in the window never raise the alert.'),
  ALERT_WEBHOOK_URL: z.url().optional().describe('When set, alerts are also POSTed here as JSON SystemEvents.'),
  HEALTH_CHECK_EVERY_MS: envInt(60_000, 1_000).describe('How often the built-in worker health check runs.'),
  WORKER_STALE_AFTER_MS: envInt(10_000, 1_000).describe(
    'A worker whose heartbeat is older than this (two 5 s heartbeat intervals) is reported stale.',
  ),
});
export type SchedulerEnv = z.output<typeof SchedulerEnv>;
