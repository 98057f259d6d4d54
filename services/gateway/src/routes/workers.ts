import {
  ErrorResponse,
  JobId,
  WORKER_CONTROL_ACTIONS,
  WorkerControlResponse,
  type WorkerHeartbeat,
  WorkerIdParams,
  WorkerListResponse,
} from '@reelay/contracts';
import { controlWorker, isNatsUnavailable } from '@reelay/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { canAccessProject, type Principal } from '../auth/api-keys.js';
import { HttpError } from '../http/http-error.js';

/**
 * Live workers, from the heartbeats in KV `workers` (an entry expires when its worker
 * dies). A worker serves every project, so its running job ids are cut to the jobs the
 * key can see: a heartbeat carries ids only, and each id's project comes from the job
 * store, or from the job's record when the store has not seen it yet.
 */
export const workerRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const seesEverything = (p: Principal) => p.projects.includes('*') || p.scopes.includes('admin');

    const visibleIds = async (principal: Principal, ids: string[]): Promise<string[]> => {
      const visible = await Promise.all(
        ids.map(async (id) => {
          if (!JobId.safeParse(id).success) return false;
          const job = (await deps.store.get(id).catch(() => undefined)) ?? (await deps.jobs.get(id).catch(() => undefined));
          // A job that cannot be found is hidden: fail closed.
          return job !== undefined && canAccessProject(principal, job.project);
        }),
      );
      return ids.filter((_, i) => visible[i]);
    };

    app.get(
      '/v1/workers',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['workers'],
          operationId: 'listWorkers',
          summary: 'Live workers (running job ids only of projects the key can see)',
          response: { 200: WorkerListResponse },
        },
      },
      async (req) => {
        const workers = await deps.queueStats.liveWorkers();
        if (seesEverything(req.principal)) return { items: workers };
        const items: WorkerHeartbeat[] = await Promise.all(
          workers.map(async (w) => ({ ...w, running: await visibleIds(req.principal, w.running) })),
        );
        return { items };
      },
    );

    /**
     * Worker control (admin: a worker serves every project). The named worker answers
     * once it has acted; one that is gone answers 404, one that does not answer in time 503.
     */
    const summaries = {
      drain: 'Drain a worker: it takes no new jobs and lets running ones finish; it stays up (resume undoes it)',
      resume: 'Resume a drained worker: it takes jobs again',
      shutdown: 'Shut a worker down as on SIGTERM: running jobs get the grace period, then are handed back; the process exits 0',
    } as const;
    for (const action of WORKER_CONTROL_ACTIONS) {
      app.post(
        `/v1/workers/:id/${action}`,
        {
          config: { scope: 'admin' },
          schema: {
            tags: ['workers'],
            operationId: `${action}Worker`,
            summary: summaries[action],
            params: WorkerIdParams,
            response: { 202: WorkerControlResponse, 404: ErrorResponse, 409: ErrorResponse },
          },
        },
        async (req, reply) => {
          let answer: Awaited<ReturnType<typeof controlWorker>>;
          try {
            answer = await controlWorker(deps.ctx, { workerId: req.params.id, action, requestedBy: req.principal.name });
          } catch (err) {
            if (isNatsUnavailable(err)) throw new HttpError('UNAVAILABLE', `worker ${req.params.id} did not answer in time; try again`);
            throw err;
          }
          if (!answer) throw new HttpError('NOT_FOUND', `no live worker ${req.params.id}`);
          if (!answer.accepted) throw new HttpError('CONFLICT', answer.message ?? `worker ${req.params.id} refused ${action}`);
          return reply.code(202).send(answer);
        },
      );
    }
  };
