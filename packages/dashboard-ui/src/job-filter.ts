import type { JobRecord, JobStatus } from './contracts';

/** The jobs page's filters: the query of GET /v1/jobs (JobFilterQuery), as the URL holds them. */
export interface JobFilter {
  status?: JobStatus | undefined;
  type?: string | undefined;
  project?: string | undefined;
  queue?: string | undefined;
  /** `key:value` */
  label?: string | undefined;
  errorCode?: string | undefined;
  workflowId?: string | undefined;
  batchId?: string | undefined;
  /** ISO instants, `[after, before)`. */
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
}

export function matchesFilter(job: JobRecord, f: JobFilter): boolean {
  if (f.status && job.status !== f.status) return false;
  if (f.type && job.type !== f.type) return false;
  if (f.project && job.project !== f.project) return false;
  if (f.queue && job.queue !== f.queue) return false;
  if (f.errorCode && job.error?.code !== f.errorCode) return false;
  if (f.workflowId && job.workflowId !== f.workflowId) return false;
  if (f.batchId && job.batchId !== f.batchId) return false;
  if (f.label) {
    const at = f.label.indexOf(':');
    if (job.labels?.[f.label.slice(0, at)] !== f.label.slice(at + 1)) return false;
  }
  if (f.createdAfter && job.createdAt < f.createdAfter) return false;
  if (f.createdBefore && job.createdAt >= f.createdBefore) return false;
  return true;
}

/**
 * A live update applied to the rows on screen: a row is replaced in place, and one that no
 * longer matches the page's filter leaves it. A job never enters the list from the
 * socket: that is how the old page showed running jobs under "failed".
 */
export function applyUpdate(rows: readonly JobRecord[], job: JobRecord, filter: JobFilter): JobRecord[] {
  const i = rows.findIndex((r) => r.id === job.id);
  if (i < 0) return rows as JobRecord[];
  const current = rows[i] as JobRecord;
  if (current.updatedAt > job.updatedAt) return rows as JobRecord[];
  if (!matchesFilter(job, filter)) return rows.filter((r) => r.id !== job.id);
  const next = rows.slice();
  next[i] = job;
  return next;
}
