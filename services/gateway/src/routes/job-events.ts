import { EVENTS_STREAM, isTerminal, JobEvent, JobIdParams, jobEventSubject } from '@reelay/contracts';
import { DeliverPolicy } from '@reelay/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.js';
import { visibleJob } from './jobs.js';

/**
 * GET /v1/jobs/:id/events — Server-Sent Events from the job's subject in the EVENTS stream,
 * starting at its latest event. Each event's id is its stream sequence, so a client that reconnects
 * with Last-Event-ID gets exactly what it missed. The stream ends after the terminal
 * state event.
 */
export const jobEventRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/jobs/:id/events',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['jobs'],
          summary: 'Stream a job’s state and progress (SSE, resumable with Last-Event-ID)',
          params: JobIdParams,
          headers: z.object({ 'last-event-id': z.string().regex(/^\d+$/).optional() }).passthrough(),
        },
      },
      async (req, reply) => {
        const job = await visibleJob(deps, req.principal, req.params.id);
        const lastId = Number(req.headers['last-event-id'] ?? 0);
        const consumer = await deps.ctx.js.consumers.get(EVENTS_STREAM, {
          filter_subjects: jobEventSubject(job.id),
          ...(lastId > 0
            ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastId + 1 }
            : { deliver_policy: DeliverPolicy.All }),
        });
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 1000\n\n');
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        const messages = await consumer.consume({
          callback: (m) => {
            const parsed = JobEvent.safeParse(m.json());
            if (!parsed.success) return;
            res.write(`id: ${m.seq}\nevent: ${parsed.data.kind}\ndata: ${JSON.stringify(parsed.data)}\n\n`);
            if (parsed.data.kind === 'state' && isTerminal(parsed.data.job.status)) close();
          },
        });
        let closed = false;
        function close() {
          if (closed) return;
          closed = true;
          clearInterval(keepAlive);
          void messages.stop();
          res.end();
        }
        req.raw.once('close', close);
      },
    );
  };
