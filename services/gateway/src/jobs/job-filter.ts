import type { JobFilterQuery } from '@reelay/contracts';
import type { JobFilter } from '@reelay/job-store';
import type { Principal } from '../auth/api-keys.js';
import { assertVisible } from '../auth/auth-plugin.js';

/** The projects a key may list: every one for `*`, else its own (never widened by a query). */
export function listableProjects(principal: Principal): readonly string[] | '*' {
  return principal.projects.includes('*') ? '*' : principal.projects;
}

/**
 * A list or count query as a store filter, bounded to the key's projects. Asking for a
 * project the key cannot see is a 404, as for a job of that project.
 */
export function toJobFilter(query: JobFilterQuery, principal: Principal): JobFilter {
  if (query.project) assertVisible(principal, query.project, `project ${query.project}`);
  const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
  const filter: JobFilter = {
    projects: listableProjects(principal),
    project: query.project,
    type: query.type,
    status: query.status,
    queue: query.queue,
    workflowId: query.workflowId,
    batchId: query.batchId,
    errorCode: query.errorCode,
    createdFrom: ms(query.createdAfter),
    createdTo: ms(query.createdBefore),
    updatedFrom: ms(query.updatedAfter),
    updatedTo: ms(query.updatedBefore),
  };
  if (query.label) {
    const at = query.label.indexOf(':');
    filter.label = { key: query.label.slice(0, at), value: query.label.slice(at + 1) };
  }
  return filter;
}
