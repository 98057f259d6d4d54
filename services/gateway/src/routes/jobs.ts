import {
  isTerminal,
  JobCountsResponse,
  JobFilterQuery,
  JobIdParams,
  type JobRecord,
  JobView,
  ListJobsQuery,
  ListJobsResponse,
  SubmitJobBody,
  SubmitJobResponse,
  WaitQuery,
} from '@reelay/contracts';
import { type EnqueueRequest, watchJobRecord } from '@reelay/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertMaySubmit, assertVisible, projectFor } from '../auth/auth-plugin.js';
import type { Principal } from '../auth/api-keys.js';
import type { AppDeps } from '../app-deps.js';
import { HttpError } from '../http/http-error.js';
import { toJobFilter } from '../jobs/job-filter.js';
import { rememberJobs } from '../jobs/job-store-wiring.js';

const Cancelled = z.object({ job: JobView });

export function toEnqueueRequest(body: SubmitJobBody, principal: Principal): EnqueueRequest {
  const request: EnqueueRequest = { type: body.type, input: body.input, project: projectFor(principal, body.project) };
  if (body.priority !== undefined) request.priority = body.priority;
  if (body.maxAttempts !== undefined) request.maxAttempts = body.maxAttempts;
  if (body.timeoutMs !== undefined) request.timeoutMs = body.timeoutMs;
  if (body.labels !== undefined) request.labels = body.labels;
  if (body.runAt) request.runAt = new Date(body.runAt);
  if (body.delayMs !== undefined) request.runAt = new Date(Date.now() + body.delayMs);
  return request;
}

export async function visibleJob(deps: AppDeps, principal: Principal, id: string): Promise<JobRecord> {
  const job = await deps.jobs.get(id);
  if (!job) throw new HttpError('NOT_FOUND', `job ${id} not found`);
  assertVisible(principal, job.project, `job ${id}`);
  return job;
}

export const jobRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/v1/jobs',
      {
        config: { scope: 'jobs:write' },
        schema: {
          tags: ['jobs'],
          operationId: 'submitJob',
          summary: 'Submit a job',
          body: SubmitJobBody,
          headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough(),
          response: { 200: SubmitJobResponse, 202: SubmitJobResponse },
        },
      },
      async (req, reply) => {
        const request = toEnqueueRequest(req.body, req.principal);
        await assertMaySubmit(deps.jobs, req.principal, [request.type]);
        const key = req.headers['idempotency-key'];
        if (typeof key === 'string') request.idempotencyKey = key;
        const { job, created } = await deps.jobs.enqueue(request);
        // Into the store before the answer: the client's next list shows its job.
        await rememberJobs(deps.store, req.log, [job]);
        // For the audit record: the job's project too, which the answer does not carry.
        req.auditFacts = { target: job.id, project: job.project };
        return reply.code(created ? 202 : 200).send({ id: job.id, status: job.status, queue: job.queue, priority: job.priority });
      },
    );

    app.get(
      '/v1/jobs',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['jobs'],
          operationId: 'listJobs',
          summary: 'List jobs (newest first unless sorted), filtered, a page at a time',
          description:
            'Filters by project, type, status, queue, label (key:value), workflow, batch, error code and created/updated time ranges ([after, before)), always within the key’s projects. Pass the previous page’s nextCursor as cursor.',
          querystring: ListJobsQuery,
          response: { 200: ListJobsResponse },
        },
      },
      async (req) => {
        const { sort, limit, cursor, ...query } = req.query;
        return deps.store.list(toJobFilter(query, req.principal), { sort, limit, cursor });
      },
    );

    app.get(
      '/v1/jobs/counts',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['jobs'],
          operationId: 'countJobs',
          summary: 'Count jobs by state, with the filters of GET /v1/jobs',
          querystring: JobFilterQuery,
          response: { 200: JobCountsResponse },
        },
      },
      async (req) => deps.store.count(toJobFilter(req.query, req.principal)),
    );

    app.get(
      '/v1/jobs/:id',
      {
        config: { scope: 'jobs:read' },
        schema: { tags: ['jobs'], operationId: 'getJob', summary: 'Get a job', params: JobIdParams, response: { 200: JobView } },
      },
      async (req) => visibleJob(deps, req.principal, req.params.id),
    );

    app.post(
      '/v1/jobs/:id/cancel',
      {
        config: { scope: 'jobs:write' },
        schema: { tags: ['jobs'], operationId: 'cancelJob', summary: 'Cancel a job', params: JobIdParams, response: { 202: Cancelled } },
      },
      async (req, reply) => {
        await visibleJob(deps, req.principal, req.params.id);
        const job = await deps.jobs.cancel(req.params.id);
        await rememberJobs(deps.store, req.log, [job]);
        return reply.code(202).send({ job });
      },
    );

    app.get(
      '/v1/jobs/:id/wait',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['jobs'],
          operationId: 'waitForJob',
          summary: 'Wait until a job finishes (408 on timeout)',
          params: JobIdParams,
          querystring: WaitQuery,
          response: { 200: JobView },
        },
      },
      async (req) => {
        const { id } = req.params;
        let settle: (job: JobRecord | undefined) => void = () => {};
        const finished = new Promise<JobRecord | undefined>((resolve) => {
          settle = resolve;
        });
        // Watch before reading, so a finish between the read and the watch is not missed.
        const watch = watchJobRecord(deps.ctx, id, (job) => {
          if (isTerminal(job.status)) settle(job);
        });
        const deadline = setTimeout(() => settle(undefined), req.query.timeoutMs);
        const gone = () => settle(undefined);
        req.raw.once('close', gone);
        try {
          const job = await visibleJob(deps, req.principal, id);
          if (isTerminal(job.status)) return job;
          const done = await finished;
          if (!done) throw new HttpError('TIMEOUT', `job ${id} did not finish within ${req.query.timeoutMs} ms`);
          return done;
        } finally {
          clearTimeout(deadline);
          req.raw.off('close', gone);
          watch.stop();
        }
      },
    );
  };
