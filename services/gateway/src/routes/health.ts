import { EVENTS_STREAM, jobsStream } from '@reelay/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';

/** Liveness, readiness (NATS reachable, streams present) and Prometheus metrics. */
export const healthRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/healthz', { schema: { tags: ['health'], summary: 'The process is alive' } }, async () => ({ ok: true }));
    app.get('/readyz', { schema: { tags: ['health'], summary: 'NATS is reachable and the streams exist' } }, async (_req, reply) => {
      try {
        if (deps.ctx.nc.isClosed()) throw new Error('NATS connection closed');
        await deps.ctx.nc.flush();
        for (const stream of [EVENTS_STREAM, ...deps.queueStats.names().map(jobsStream)]) await deps.ctx.jsm.streams.info(stream);
        return { ok: true };
      } catch (err) {
        return reply.code(503).send({ error: { code: 'UNAVAILABLE', message: `not ready: ${(err as Error).message}` } });
      }
    });
    app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics' } }, async (_req, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  };
