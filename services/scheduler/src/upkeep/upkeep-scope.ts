import type { JobEnvelope } from '@reelay/contracts';
import { SYSTEM_PROJECT } from '../schedules/built-in-schedules.js';

/**
 * Which projects an upkeep job may act on. Like every job, it is bounded by its own
 * project: `system.cleanup` sweeps that project's artifacts, `system.dlq-summary` counts
 * that project's jobs and dead letters. Only a job of the `system` project — the one the
 * built-in schedules submit under — acts on every project. The job's project decides,
 * not a flag in its input: input is whatever the caller wrote, while the project is
 * checked against the caller's key at the gateway, and `system` is the operator's
 * project (the gateway lets only admin keys submit maintenance tasks at all).
 */
export function actsOnEveryProject(job: JobEnvelope): boolean {
  return job.project === SYSTEM_PROJECT;
}
