import { UsageQuery, UsageResponse } from '@reelay/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { assertVisible } from '../auth/auth-plugin.js';
import { HttpError } from '../http/http-error.js';
import { listableProjects } from '../jobs/job-filter.js';

const DAY_MS = 24 * 3_600_000;
/** The widest window one request may ask for: a month of jobs grouped in one query. */
const MAX_WINDOW_MS = 31 * DAY_MS;

/**
 * GET /v1/usage: jobs, outcomes and durations per project and task type, computed from
 * the job store over jobs created in a window (the last 24 hours by default). Only what
 * the store holds: finished jobs stay for JOB_STORE_RETENTION_HOURS (EVENTS_MAX_AGE_HOURS by default).
 */
export const usageRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/usage',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['jobs'],
          operationId: 'getUsage',
          summary: 'Usage per project and task type: jobs, failures, durations',
          querystring: UsageQuery,
          response: { 200: UsageResponse },
        },
      },
      async (req) => {
        const { project } = req.query;
        if (project) assertVisible(req.principal, project, `project ${project}`);
        const to = req.query.to ? Date.parse(req.query.to) : Date.now();
        const from = req.query.from ? Date.parse(req.query.from) : to - DAY_MS;
        if (from >= to) throw new HttpError('INVALID_INPUT', 'from must be before to');
        if (to - from > MAX_WINDOW_MS) throw new HttpError('INVALID_INPUT', 'the window is at most 31 days');
        const items = await deps.store.usage({ projects: listableProjects(req.principal), project, from, to });
        return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), items };
      },
    );
  };
