import {
  BatchView,
  JOB_STATUSES,
  type JobStatus,
  ListGroupsQuery,
  ListGroupsResponse,
  SubmitBatchBody,
  SubmitBatchResponse,
} from '@reelay/contracts';
import { newJobId, ReelayError } from '@reelay/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertMaySubmit, assertVisible } from '../auth/auth-plugin.js';
import type { AppDeps } from '../app-deps.js';
import { HttpError } from '../http/http-error.js';
import { listableProjects } from '../jobs/job-filter.js';
import { rememberJobs } from '../jobs/job-store-wiring.js';
import { toEnqueueRequest } from './jobs.js';

const StoredBatch = z.object({ id: z.string(), project: z.string(), createdAt: z.string(), jobIds: z.array(z.string()) });

/** Batches: many jobs in one request, one id to follow them by (Celery's group result). */
export const batchRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/batches',
      {
        config: { scope: 'jobs:write' },
        schema: {
          tags: ['batches'],
          operationId: 'submitBatch',
          summary: 'Submit many jobs at once',
          body: SubmitBatchBody,
          response: { 202: SubmitBatchResponse },
        },
      },
      async (req, reply) => {
        const id = newJobId();
        await assertMaySubmit(
          deps.jobs,
          req.principal,
          req.body.items.map((item) => item.type),
        );
        // Every item is validated before any is queued: a bad item queues nothing.
        const requests = await Promise.all(
          req.body.items.map(async (item, i) => {
            // A project the key may not use is a 403, not a bad item.
            const r = toEnqueueRequest(item, req.principal);
            try {
              await deps.jobs.validate(r.type, r.input);
            } catch (err) {
              if (!(err instanceof ReelayError)) throw err;
              throw new HttpError(err.code === 'UNKNOWN_TASK' ? 'UNKNOWN_TASK' : 'INVALID_INPUT', `items.${i}: ${err.message}`);
            }
            return { ...r, batchId: id };
          }),
        );
        const projects = new Set(requests.map((r) => r.project));
        if (projects.size > 1) throw new HttpError('INVALID_INPUT', 'all items of a batch must belong to one project');
        const project = requests[0]?.project ?? 'default';
        const records = await deps.jobs.enqueueMany(requests);
        await rememberJobs(deps.store, req.log, records);
        const stored = { id, project, createdAt: new Date().toISOString(), jobIds: records.map((r) => r.id) };
        await deps.buckets.batches.put(id, JSON.stringify(stored));
        return reply.code(202).send({ id, jobIds: stored.jobIds });
      },
    );

    app.get(
      '/v1/batches',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['batches'],
          operationId: 'listBatches',
          summary: 'List batches, newest first, with their jobs counted by state',
          querystring: ListGroupsQuery,
          response: { 200: ListGroupsResponse },
        },
      },
      async (req) => {
        const { project, limit, cursor } = req.query;
        if (project) assertVisible(req.principal, project, `project ${project}`);
        return deps.store.groups('batch', { projects: listableProjects(req.principal), project }, { limit, cursor });
      },
    );

    app.get(
      '/v1/batches/:id',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['batches'],
          operationId: 'getBatch',
          summary: 'Counts of a batch’s jobs by state',
          params: z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) }),
          response: { 200: BatchView },
        },
      },
      async (req) => {
        const entry = await deps.buckets.batches.get(req.params.id);
        if (entry?.operation !== 'PUT') throw new HttpError('NOT_FOUND', `batch ${req.params.id} not found`);
        const batch = StoredBatch.parse(entry.json());
        assertVisible(req.principal, batch.project, `batch ${batch.id}`);
        const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
        const jobs = await Promise.all(batch.jobIds.map((id) => deps.jobs.get(id)));
        for (const job of jobs) if (job) counts[job.status] += 1;
        const done = counts.succeeded + counts.failed + counts.cancelled === batch.jobIds.length;
        return { ...batch, total: batch.jobIds.length, counts, done };
      },
    );
  };
