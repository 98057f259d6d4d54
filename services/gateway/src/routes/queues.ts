import { isTerminal, jobsStream, PurgeResponse, QueueListResponse, QueueNameParams, QueueView } from '@reelay/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { HttpError } from '../http/http-error.js';

/** Queue inspection (read) and control (admin): Flower's queue page and Celery's purge. */
export const queueRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const known = async (name: string) => {
      if (!(await deps.queueStats.names()).includes(name)) throw new HttpError('NOT_FOUND', `queue ${name} not found`);
    };

    app.get(
      '/v1/queues',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['queues'],
          operationId: 'listQueues',
          summary: 'All queues with per-band figures',
          response: { 200: QueueListResponse },
        },
      },
      async () => ({
        items: await deps.queueStats.all(),
      }),
    );

    app.get(
      '/v1/queues/:name',
      {
        config: { scope: 'jobs:read' },
        schema: { tags: ['queues'], operationId: 'getQueue', summary: 'One queue', params: QueueNameParams, response: { 200: QueueView } },
      },
      async (req) => {
        await known(req.params.name);
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
            operationId: `${action}Queue`,
            summary: `${action} a queue: workers ${action === 'pause' ? 'stop' : 'start'} taking its jobs`,
            params: QueueNameParams,
            response: { 200: QueueView },
          },
        },
        async (req) => {
          await known(req.params.name);
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
          operationId: 'purgeQueue',
          summary: 'Drop every waiting job of a queue (their records become cancelled; running jobs are left alone)',
          params: QueueNameParams,
          response: { 200: PurgeResponse },
        },
      },
      async (req) => {
        await known(req.params.name);
        const stream = jobsStream(req.params.name);
        let purged = 0;
        for (const { id, seq } of await queuedMessages(deps, stream)) {
          const job = await deps.jobs.get(id);
          // A running job's message is its lease: deleting it would lose the job if its worker died.
          if (job?.status === 'running') continue;
          if (await deps.ctx.jsm.streams.deleteMessage(stream, seq, false).catch(() => false)) purged += 1;
          if (job && !isTerminal(job.status)) await deps.jobs.cancel(id).catch(() => undefined);
        }
        return { purged };
      },
    );
  };

/** The jobs in a work-queue stream, read by sequence (a consumer would overlap the bands'). */
async function queuedMessages(deps: AppDeps, stream: string): Promise<{ id: string; seq: number }[]> {
  const out: { id: string; seq: number }[] = [];
  const info = await deps.ctx.jsm.streams.info(stream);
  let seq = info.state.first_seq;
  while (seq <= info.state.last_seq && out.length < 100_000) {
    const m = await deps.ctx.jsm.direct.getMessage(stream, { seq, next_by_subj: '>' }).catch(() => null);
    if (!m) break;
    out.push({ id: (m.json() as { id: string }).id, seq: m.seq });
    seq = m.seq + 1;
  }
  return out;
}
