import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_JOB_EVENTS, EVENTS_STREAM, type JobRecord, ScheduleLabel } from '@reelay/contracts';
import type { ServiceProcess, TestSystem } from '@reelay/runtime/testing';

export const SCHEDULER = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const GATEWAY = fileURLToPath(new URL('../../gateway/dist/main.js', import.meta.url));
export const ADMIN_KEY = 'scheduler-admin-key-0123456789';

/** Built-in upkeep would otherwise tick during tests; each test that needs one runs its task directly. */
export const QUIET_UPKEEP = { CLEANUP_EVERY_MS: '3600000', DLQ_SUMMARY_EVERY_MS: '3600000', HEALTH_CHECK_EVERY_MS: '3600000' };

export function startScheduler(system: TestSystem, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return system.startService(SCHEDULER, { ...QUIET_UPKEEP, ...env }, /scheduler ready/);
}

export interface GatewayHandle {
  process: ServiceProcess;
  call(pathname: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

/** The real gateway as a process, with one admin key. */
export async function startGateway(system: TestSystem): Promise<GatewayHandle> {
  const keysFile = path.join(system.dir, 'api-keys.json');
  await writeFile(
    keysFile,
    JSON.stringify([{ name: 'admin', key: ADMIN_KEY, scopes: ['jobs:write', 'jobs:read', 'admin'], projects: ['*'] }]),
  );
  const proc = await system.startService(GATEWAY, { PORT: '0', REELAY_API_KEYS_FILE: keysFile }, /gateway ready on/);
  const url = proc.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '';
  return {
    process: proc,
    call(pathname, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set('authorization', `Bearer ${ADMIN_KEY}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${url}${pathname}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    },
  };
}

/**
 * The latest record of every job a schedule made, oldest tick first: every job subject
 * on EVENTS, then one direct get of the last record on each (what JobStore.get does).
 */
export async function jobsOfSchedule(system: TestSystem, scheduleId: string): Promise<JobRecord[]> {
  const info = await system.ctx.jsm.streams.info(EVENTS_STREAM, { subjects_filter: ALL_JOB_EVENTS });
  const ids = Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice('events.jobs.'.length));
  const records = await Promise.all(ids.map((id) => system.client.get(id)));
  return records
    .filter((job): job is JobRecord => job?.labels?.[ScheduleLabel.scheduleId] === scheduleId)
    .sort((a, b) => tickOf(a).localeCompare(tickOf(b)));
}

export function tickOf(job: JobRecord): string {
  return job.labels?.[ScheduleLabel.tickAt] ?? '';
}
