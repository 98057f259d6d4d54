import { JobId, type WorkerHeartbeat, WorkerListResponse } from '@reelay/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { canAccessProject, type Principal } from '../auth/api-keys.js';

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
  };
