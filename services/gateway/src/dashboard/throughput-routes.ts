import { TERMINAL_STATUSES, ThroughputQuery, ThroughputResponse, type ThroughputBucket } from '@reelay/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { assertVisible } from '../auth/auth-plugin.js';
import { listableProjects } from '../jobs/job-filter.js';

const MINUTE = 60_000;
const PAGE = 500;
/** Jobs read for one answer at most; past it the answer says `truncated`. */
const MAX_JOBS = 20_000;

/**
 * GET /v1/stats/throughput — finished jobs per minute (succeeded, failed, cancelled) and
 * failed attempts that were retried, over the last `minutes`, for the dashboard's charts.
 * Counted from the job store (the jobs updated in the window, oldest first, a page at a
 * time), cut to the projects the key can see: a job counts in the minute of its
 * finishedAt, a retried attempt in the minute of its error. At most MAX_JOBS jobs are
 * read; a busier window answers `truncated: true` with the counts of the first ones.
 */
export const throughputRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/stats/throughput',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['jobs'],
          operationId: 'getThroughput',
          summary: 'Finished jobs and retried attempts per minute',
          querystring: ThroughputQuery,
          response: { 200: ThroughputResponse },
        },
      },
      async (req) => {
        const { minutes, project } = req.query;
        if (project) assertVisible(req.principal, project, `project ${project}`);
        const end = Math.floor(Date.now() / MINUTE) * MINUTE + MINUTE;
        const start = end - minutes * MINUTE;
        const buckets: ThroughputBucket[] = Array.from({ length: minutes }, (_, i) => ({
          at: new Date(start + i * MINUTE).toISOString(),
          succeeded: 0,
          failed: 0,
          cancelled: 0,
          retried: 0,
        }));
        const slot = (iso: string | undefined) => {
          const t = iso === undefined ? Number.NaN : Date.parse(iso);
          return t >= start && t < end ? buckets[Math.floor((t - start) / MINUTE)] : undefined;
        };
        // Every job that finished (or failed an attempt) in the window was updated in it.
        let cursor: string | undefined;
        let seen = 0;
        do {
          const page = await deps.store.list(
            { projects: listableProjects(req.principal), project, updatedFrom: start },
            { limit: PAGE, cursor, sort: 'updatedAt' },
          );
          for (const job of page.items) {
            if (TERMINAL_STATUSES.includes(job.status)) {
              const b = slot(job.finishedAt);
              if (b) b[job.status as 'succeeded' | 'failed' | 'cancelled'] += 1;
            }
            // A failed job's last error is its failure, not a retry.
            for (const e of job.status === 'failed' ? job.errors.slice(0, -1) : job.errors) {
              const b = slot(e.at);
              if (b) b.retried += 1;
            }
          }
          seen += page.items.length;
          cursor = page.nextCursor;
        } while (cursor && seen < MAX_JOBS);
        if (cursor) return { buckets, truncated: true };
        return { buckets, truncated: false };
      },
    );
  };
