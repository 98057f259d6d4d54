import { BucketNames, jobEventSubject, redactEncrypted, type WorkflowRecord, type WorkflowView, WorkflowIdParams } from '@reelay/contracts';
import type { NatsContext, WorkflowClient } from '@reelay/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { assertVisible } from '../auth/auth-plugin.js';
import { keepAlive, openEventStream } from '../http/event-stream.js';
import { HttpError } from '../http/http-error.js';

/** Changes within this window are sent as one view (a step's burst of progress reports). */
const COALESCE_MS = 50;
/** A view read this often even without a signal: nothing a missed message hid lasts longer. */
const REFRESH_MS = 5_000;

type Subscription = ReturnType<NatsContext['nc']['subscribe']>;

/** What a client is told about: the workflow's status and progress, and every step's state. */
function fingerprint(view: WorkflowView): string {
  const steps = [...view.steps, ...(view.onError ? [view.onError] : [])].map((s) => `${s.id}:${s.status}:${s.progress}:${s.jobId ?? ''}`);
  return `${view.status}:${view.progress}:${view.run}|${steps.join(',')}`;
}

/**
 * GET /v1/workflows/:id/events — Server-Sent Events of a workflow: its view at once, then
 * the view again each time its status, progress or a step's state or progress moves,
 * ending after it finishes. Pushed, not polled: the gateway listens to the workflow's
 * record (its KV subject) and to its step jobs' events (core subscriptions on their
 * subjects in EVENTS), and reads the view when one of them speaks, at most every 50 ms.
 * Every event is a whole view, so a reconnect needs no Last-Event-ID: the first event
 * after it is the current state.
 */
export const workflowEventRoutes =
  (deps: AppDeps, workflows: WorkflowClient): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/workflows/:id/events',
      {
        config: { scope: 'jobs:read', queryToken: true },
        schema: {
          tags: ['workflows'],
          operationId: 'streamWorkflowEvents',
          summary: 'Stream a workflow’s status and its steps’ progress (SSE), until it finishes',
          params: WorkflowIdParams,
        },
      },
      async (req, reply) => {
        const { id } = req.params;
        const record = await workflows.get(id);
        if (!record) throw new HttpError('NOT_FOUND', `workflow ${id} not found`);
        assertVisible(req.principal, record.project, `workflow ${id}`);

        const { nc } = deps.ctx;
        const res = reply.raw;
        const subscriptions: Subscription[] = [];
        const followed = new Set<string>();
        let closed = false;
        let sent: string | undefined;
        let events = 0;
        let timer: NodeJS.Timeout | undefined;
        let reading: Promise<void> = Promise.resolve();
        let alive: NodeJS.Timeout | undefined;
        let refresh: NodeJS.Timeout | undefined;
        const close = () => {
          if (closed) return;
          closed = true;
          clearTimeout(timer);
          clearInterval(alive);
          clearInterval(refresh);
          for (const s of subscriptions) s.unsubscribe();
          res.end();
        };
        const listen = (subject: string) => subscriptions.push(nc.subscribe(subject, { callback: () => signal() }));
        const follow = (view: WorkflowView) => {
          for (const step of [...view.steps, ...(view.onError ? [view.onError] : [])]) {
            if (step.jobId && !followed.has(step.jobId)) {
              followed.add(step.jobId);
              listen(jobEventSubject(step.jobId));
            }
          }
        };
        // Reads one after another, so views go out in the order they were read.
        // The first view is built from the record read above: one read of it, not two.
        let first: WorkflowRecord | undefined = record;
        const read = () => {
          reading = reading.then(async () => {
            if (closed) return;
            const known = first;
            first = undefined;
            const view = await (known ? workflows.viewOf(known) : workflows.view(id)).catch((err: unknown) => {
              req.log.warn({ err, workflow: id }, 'workflow view not read; the next signal or refresh tries again');
              return undefined;
            });
            if (!view || closed) return;
            follow(view);
            const print = fingerprint(view);
            if (print !== sent) {
              sent = print;
              events += 1;
              res.write(`id: ${events}\nevent: workflow\ndata: ${JSON.stringify(redactEncrypted(view))}\n\n`);
            }
            if (view.status !== 'running') close();
          });
        };
        const signal = () => {
          timer ??= setTimeout(() => {
            timer = undefined;
            read();
          }, COALESCE_MS);
        };

        // Listening starts before the first read, so no change between them goes unseen.
        listen(`$KV.${BucketNames.workflows}.${id}`);
        await nc.flush();
        openEventStream(reply);
        alive = keepAlive(res);
        refresh = setInterval(read, REFRESH_MS);
        req.raw.once('close', close);
        read();
      },
    );
  };
