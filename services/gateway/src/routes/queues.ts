import { jobsStream, PurgeResponse, QueueListResponse, QueueNameParams, QueueView } from '@reelay/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { HttpError } from '../http/http-error.js';

/** Queue inspection (read) and control (admin): Flower's queue page and Celery's purge. */
export const queueRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const known = (name: string) => {
      if (!deps.queueStats.names().includes(name)) throw new HttpError('NOT_FOUND', `queue ${name} not found`);
    };

    app.get(
      '/v1/queues',
      {
        config: { scope: 'jobs:read' },
        schema: { tags: ['queues'], summary: 'All queues with per-band figures', response: { 200: QueueListResponse } },
      },
      async () => ({
        items: await deps.queueStats.all(),
      }),
    );

    app.get(
      '/v1/queues/:name',
      {
        config: { scope: 'jobs:read' },
        schema: { tags: ['queues'], summary: 'One queue', params: QueueNameParams, response: { 200: QueueView } },
      },
      async (req) => {
        known(req.params.name);
        return deps.queueStats.one(req.params.name);
      },
    );

    for (const action of ['pause', 'resume'] as const) {
      app.post(
        `/v1/queues/:name/${action}`,
        {
          config: { scope: 'admin' },
          schema: {
            tags: ['queues'],
            summary: `${action} a queue: workers ${action === 'pause' ? 'stop' : 'start'} taking its jobs`,
            params: QueueNameParams,
            response: { 200: QueueView },
          },
        },
        async (req) => {
          known(req.params.name);
          await deps.buckets.queueState.put(req.params.name, JSON.stringify({ paused: action === 'pause', at: new Date().toISOString() }));
          return deps.queueStats.one(req.params.name);
        },
      );
    }

    app.post(
      '/v1/queues/:name/purge',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['queues'],
          summary: 'Drop every waiting job of a queue (their records become cancelled)',
          params: QueueNameParams,
          response: { 200: PurgeResponse },
        },
      },
      async (req) => {
        known(req.params.name);
        const stream = jobsStream(req.params.name);
        const ids = await waitingJobIds(deps, stream);
        const result = await deps.ctx.jsm.streams.purge(stream);
        // Purged jobs must not look queued forever: record them as cancelled.
        await Promise.all(ids.map((id) => deps.jobs.cancel(id).catch(() => undefined)));
        return { purged: result.purged };
      },
    );
  };

async function waitingJobIds(deps: AppDeps, stream: string): Promise<string[]> {
  const info = await deps.ctx.jsm.streams.info(stream);
  if (info.state.messages === 0) return [];
  const consumer = await deps.ctx.js.consumers.get(stream);
  const ids: string[] = [];
  const batch = await consumer.fetch({ max_messages: Math.min(info.state.messages, 10_000), expires: 2_000 });
  for await (const m of batch) {
    ids.push((m.json() as { id: string }).id);
    if (ids.length >= info.state.messages) break;
  }
  return ids;
}
