import { isTerminal, JobEventsHeaders, JobIdParams, redactEncrypted } from '@reelay/contracts';
import { type FollowedJob, followJobEvents } from '@reelay/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { keepAlive, openEventStream } from '../http/event-stream.js';
import { visibleJob } from './jobs.js';

/**
 * GET /v1/jobs/:id/events — Server-Sent Events from the job's subject in the EVENTS stream,
 * starting at its latest event. Each event's id is its stream sequence, so a client that
 * reconnects with Last-Event-ID gets exactly what it missed (`Last-Event-ID: 0` asks for
 * the job's whole history). The stream ends at a
 * terminal state only when that state is the job's latest event: a resumed client
 * replaying an old `failed` goes on to the run that a DLQ requeue started after it.
 */
export const jobEventRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/jobs/:id/events',
      {
        config: { scope: 'jobs:read', queryToken: true },
        schema: {
          tags: ['jobs'],
          operationId: 'streamJobEvents',
          summary: 'Stream a job’s state and progress (SSE, resumable with Last-Event-ID)',
          params: JobIdParams,
          headers: JobEventsHeaders,
        },
      },
      async (req, reply) => {
        const job = await visibleJob(deps, req.principal, req.params.id);
        const lastId = req.headers['last-event-id'];
        const res = reply.raw;
        let closed = false;
        let alive: NodeJS.Timeout | undefined;
        let watch: FollowedJob | undefined;
        const close = () => {
          if (closed) return;
          closed = true;
          clearInterval(alive);
          watch?.stop();
          res.end();
        };
        // The consumer starts before the head is written, so a NATS failure still answers as
        // an HTTP error; events that come before the head wait in `early`.
        let started = false;
        const early: string[] = [];
        let endAfterEarly = false;
        watch = await followJobEvents(
          deps.ctx,
          job.id,
          { afterSeq: lastId === undefined ? undefined : Number(lastId) },
          ({ event, seq, pending }) => {
            if (closed) return;
            const chunk = `id: ${seq}\nevent: ${event.kind}\ndata: ${JSON.stringify(redactEncrypted(event))}\n\n`;
            const ends = event.kind === 'state' && isTerminal(event.job.status) && pending === 0;
            if (!started) {
              early.push(chunk);
              endAfterEarly ||= ends;
              return;
            }
            res.write(chunk);
            if (ends) close();
          },
        );
        openEventStream(reply);
        started = true;
        for (const chunk of early) res.write(chunk);
        // A finished job resumed after its last event has nothing more to say.
        if (endAfterEarly || (watch.pendingAtStart === 0 && isTerminal(job.status))) return close();
        alive = keepAlive(res);
        req.raw.once('close', close);
      },
    );
  };
