import { JobEvent, jobEventSubject, WsClientMessage, type WsServerMessage } from '@reelay/contracts';
import type { Subscription } from '@reelay/runtime';
import type { FastifyInstance } from 'fastify';
import { canAccessProject } from '../auth/api-keys.js';
import type { AppDeps } from '../app-deps.js';

/**
 * GET /v1/ws — one WebSocket, many jobs: `{"type":"subscribe","jobIds":[…]}` sends each
 * job's current record at once, then every change; `ping` → `pong`. Jobs of projects the
 * key cannot see answer as not found.
 */
export function jobSocketRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    app.get(
      '/v1/ws',
      { websocket: true, config: { scope: 'jobs:read' }, schema: { tags: ['jobs'], summary: 'WebSocket job updates' } },
      (socket, req) => {
        const subs = new Map<string, Subscription>();
        const send = (m: WsServerMessage) => socket.send(JSON.stringify(m));
        socket.on('message', async (raw: Buffer) => {
          let message: WsClientMessage;
          try {
            message = WsClientMessage.parse(JSON.parse(raw.toString()));
          } catch (err) {
            send({ type: 'error', error: { code: 'INVALID_INPUT', message: `bad message: ${(err as Error).message}` } });
            return;
          }
          if (message.type === 'ping') return send({ type: 'pong' });
          if (message.type === 'unsubscribe') {
            for (const id of message.jobIds) {
              subs.get(id)?.unsubscribe();
              subs.delete(id);
            }
            return;
          }
          for (const id of message.jobIds) {
            if (subs.has(id)) continue;
            const sub = deps.ctx.nc.subscribe(jobEventSubject(id), {
              callback: (_err, m) => {
                const event = JobEvent.safeParse(m.json());
                if (event.success) send({ type: 'job', job: event.data.job });
              },
            });
            subs.set(id, sub);
            const job = await deps.jobs.get(id).catch(() => undefined);
            if (!job || !canAccessProject(req.principal, job.project)) {
              sub.unsubscribe();
              subs.delete(id);
              send({ type: 'error', error: { code: 'NOT_FOUND', message: `job ${id} not found` } });
              continue;
            }
            // Finished jobs stay subscribed: a requeue from the DLQ brings them back.
            send({ type: 'job', job });
          }
        });
        socket.on('close', () => {
          for (const sub of subs.values()) sub.unsubscribe();
          subs.clear();
        });
      },
    );
  };
}
