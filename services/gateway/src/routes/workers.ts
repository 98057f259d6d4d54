import { WorkerListResponse } from '@reelay/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';

/** Live workers, from the heartbeats in KV `workers` (an entry expires when its worker dies). */
export const workerRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/workers',
      { config: { scope: 'jobs:read' }, schema: { tags: ['workers'], summary: 'Live workers', response: { 200: WorkerListResponse } } },
      async () => ({
        items: await deps.queueStats.liveWorkers(),
      }),
    );
  };
