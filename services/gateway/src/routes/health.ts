import { EVENTS_STREAM, jobsStream } from '@reelay/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { unavailable } from '../http/error-handler.js';

/** Liveness, readiness (NATS reachable, streams present) and Prometheus metrics: public, for probes and scrapers. */
export const healthRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/healthz',
      { config: { public: true }, schema: { tags: ['health'], operationId: 'checkLiveness', summary: 'The process is alive' } },
      async () => ({ ok: true }),
    );
    app.get(
      '/readyz',
      {
        config: { public: true },
        schema: { tags: ['health'], operationId: 'checkReadiness', summary: 'NATS is reachable and the streams exist' },
      },
      async (_req, reply) => {
        try {
          if (deps.ctx.nc.isClosed()) throw new Error('NATS connection closed');
          await deps.ctx.nc.flush();
          for (const stream of [EVENTS_STREAM, ...deps.queueStats.baseNames().map(jobsStream)]) await deps.ctx.jsm.streams.info(stream);
          return { ok: true };
        } catch (err) {
          return unavailable(reply, `not ready: ${(err as Error).message}`);
        }
      },
    );
    app.get(
      '/metrics',
      { config: { public: true }, schema: { tags: ['health'], operationId: 'getMetrics', summary: 'Prometheus metrics' } },
      async (_req, reply) => {
        reply.header('content-type', deps.metrics.registry.contentType);
        return deps.metrics.registry.metrics();
      },
    );
  };
