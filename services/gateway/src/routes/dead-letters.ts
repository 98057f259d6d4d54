import {
  BulkDlqBody,
  BulkDlqResponse,
  DlqListResponse,
  DlqQuery,
  ErrorResponse,
  JobIdParams,
  JobView,
  RequeueBody,
} from '@reelay/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { canAccessProject } from '../auth/api-keys.js';
import { assertMaySubmit, assertVisible } from '../auth/auth-plugin.js';
import type { Principal } from '../auth/api-keys.js';
import type { AppDeps } from '../app-deps.js';
import { HttpError } from '../http/http-error.js';
import { rememberJobs } from '../jobs/job-store-wiring.js';

/** The dead-letter queue: inspect, requeue (optionally with a corrected input, time limit or attempts), discard. */
export const deadLetterRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const visibleDead = async (principal: Parameters<typeof canAccessProject>[0], id: string) => {
      const dead = await deps.jobs.getDeadLetter(id);
      if (!dead) throw new HttpError('NOT_FOUND', `dead letter ${id} not found`);
      assertVisible(principal, dead.job.project, `dead letter ${id}`);
      return dead;
    };

    app.get(
      '/v1/dlq',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['dlq'],
          operationId: 'listDeadLetters',
          summary: 'Dead jobs with their errors',
          querystring: DlqQuery,
          response: { 200: DlqListResponse },
        },
      },
      async (req) => {
        const items = await deps.jobs.listDeadLetters(req.query.queue, req.query.limit);
        return { items: items.filter((d) => canAccessProject(req.principal, d.job.project)) };
      },
    );

    app.post(
      '/v1/dlq/:id/requeue',
      {
        config: { scope: 'jobs:write' },
        schema: {
          tags: ['dlq'],
          operationId: 'requeueDeadLetter',
          summary: 'Queue a dead job again; a body (optional) may patch its input, timeoutMs and maxAttempts',
          params: JobIdParams,
          // No body arrives as null: nothing to patch, the job runs again as it was.
          body: RequeueBody.nullish(),
          response: { 202: JobView },
        },
      },
      async (req, reply) => {
        const dead = await visibleDead(req.principal, req.params.id);
        await assertMaySubmit(deps.jobs, req.principal, [dead.job.type]);
        const { input, timeoutMs, maxAttempts } = req.body ?? {};
        const job = await deps.jobs.requeueDeadLetter(req.params.id, {
          ...(input !== undefined ? { input } : {}),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          ...(maxAttempts !== undefined ? { maxAttempts } : {}),
        });
        await rememberJobs(deps.store, req.log, [job]);
        return reply.code(202).send(job);
      },
    );

    /**
     * Bulk requeue and discard by filter, with a dry run. Project-bounded: the key's
     * projects cut the selection, so a filter can never reach another project's letters.
     */
    const bulk = (action: 'requeue' | 'discard') => async (principal: Principal, body: BulkDlqBody | null | undefined) => {
      const { dryRun, limit, ...filter } = BulkDlqBody.parse(body ?? {});
      if (filter.project !== undefined && !canAccessProject(principal, filter.project)) {
        throw new HttpError('FORBIDDEN', `this key may not use project "${filter.project}"`);
      }
      return deps.jobs.bulkDeadLetters(action, {
        filter,
        limit,
        dryRun,
        projects: principal.projects.includes('*') ? '*' : principal.projects,
        mayRequeue: (type) =>
          assertMaySubmit(deps.jobs, principal, [type]).then(
            () => true,
            () => false,
          ),
      });
    };
    for (const action of ['requeue', 'discard'] as const) {
      app.post(
        `/v1/dlq/${action}`,
        {
          config: { scope: 'jobs:write' },
          schema: {
            tags: ['dlq'],
            operationId: action === 'requeue' ? 'requeueDeadLetters' : 'discardDeadLetters',
            summary:
              action === 'requeue'
                ? 'Requeue every dead job a filter matches (queue, type, error code, reason, project, age); dryRun counts only'
                : 'Discard every dead job a filter matches (queue, type, error code, reason, project, age); dryRun counts only',
            // No body arrives as null: no filter, every dead letter of the key's projects.
            body: BulkDlqBody.nullish(),
            response: { 200: BulkDlqResponse, 403: ErrorResponse },
          },
        },
        async (req) => bulk(action)(req.principal, req.body),
      );
    }

    app.delete(
      '/v1/dlq/:id',
      {
        config: { scope: 'jobs:write' },
        schema: { tags: ['dlq'], operationId: 'deleteDeadLetter', summary: 'Discard a dead job', params: JobIdParams },
      },
      async (req, reply) => {
        await visibleDead(req.principal, req.params.id);
        await deps.jobs.deleteDeadLetter(req.params.id);
        return reply.code(204).send();
      },
    );
  };
