import { DelayedJobsQuery, DelayedJobsResponse, type DelayedJobView } from '@reelay/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { assertVisible } from '../auth/auth-plugin.js';

/**
 * Jobs waiting for their runAt (status "scheduled"), soonest first. Read from the job
 * store, which follows every record change: a cancelled delayed job drops out at once,
 * though its message stays on DELAYED until the scheduler next looks at it and drops it.
 * Cancel one with the ordinary POST /v1/jobs/:id/cancel.
 */
/** Scheduled jobs read per request to find the soonest; beyond it the oldest-created are left out. */
const DELAYED_SCAN_LIMIT = 10_000;

export const delayedJobRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/jobs/delayed',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['jobs'],
          operationId: 'listDelayedJobs',
          summary: 'Delayed jobs waiting for their runAt, soonest first',
          querystring: DelayedJobsQuery,
          response: { 200: DelayedJobsResponse },
        },
      },
      async (req) => {
        const { project, limit } = req.query;
        if (project) assertVisible(req.principal, project, `project ${project}`);
        const projects = req.principal.projects.includes('*') ? '*' : req.principal.projects;
        // The store orders by creation, not runAt: read the scheduled jobs (bounded) and sort.
        const { items } = await deps.store.list({ projects, project, status: 'scheduled' }, { limit: DELAYED_SCAN_LIMIT });
        const waiting = items.filter((job): job is DelayedJobView => job.status === 'scheduled' && job.runAt !== undefined);
        waiting.sort((a, b) => Date.parse(a.runAt) - Date.parse(b.runAt));
        return { items: waiting.slice(0, limit) };
      },
    );
  };
