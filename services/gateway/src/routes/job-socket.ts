import { WsClientMessage, type WsServerMessage, redactEncrypted } from '@reelay/contracts';
import { isNatsUnavailable, type JobWatch, watchJobRecord } from '@reelay/runtime';
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { AppDeps } from '../app-deps.js';
import { canAccessProject } from '../auth/api-keys.js';
import { HttpError } from '../http/http-error.js';

/** Jobs one socket may watch at once. */
const MAX_WATCHES_PER_SOCKET = 1_000;
/** Frames waiting to be handled on one socket; past it a frame is refused, not queued. */
const MAX_QUEUED_FRAMES = 100;

/**
 * GET /v1/ws — one WebSocket, many jobs: `{"type":"subscribe","jobIds":[…]}` sends each
 * job's current record at once, then every change; `ping` → `pong`. Every id must be a
 * job id (the frame is refused otherwise, so no wildcard reaches a subject), and each
 * job's project is checked before it is watched: jobs of projects the key cannot see
 * answer as not found. A bad frame gets an error frame; nothing a client sends can throw
 * out of the handler. Frames are handled one at a time, in order.
 */
export function jobSocketRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    app.route({
      method: 'GET',
      url: '/v1/ws',
      config: { scope: 'jobs:read', queryToken: true },
      schema: { tags: ['jobs'], operationId: 'connectJobSocket', summary: 'WebSocket job updates (subscribe, unsubscribe, ping)' },
      handler: async () => {
        throw new HttpError('INVALID_INPUT', 'this route speaks WebSocket: connect with an Upgrade request');
      },
      wsHandler: (socket: WebSocket, req) => {
        const watches = new Map<string, JobWatch>();
        let closed = false;
        let queued = 0;
        let chain = Promise.resolve();

        const send = (m: WsServerMessage) => {
          if (!closed && socket.readyState === socket.OPEN) socket.send(JSON.stringify(redactEncrypted(m)));
        };
        const fail = (code: string, message: string) => send({ type: 'error', error: { code, message } });

        const handle = async (raw: RawData, isBinary: boolean): Promise<void> => {
          if (isBinary) return fail('INVALID_INPUT', 'binary frames are not accepted: send JSON text');
          const message = parseFrame(raw);
          if (typeof message === 'string') return fail('INVALID_INPUT', `bad message: ${message}`);
          if (message.type === 'ping') return send({ type: 'pong' });
          if (message.type === 'unsubscribe') {
            for (const id of message.jobIds) {
              watches.get(id)?.stop();
              watches.delete(id);
            }
            return;
          }
          for (const id of message.jobIds) {
            if (closed) return;
            if (watches.has(id)) continue;
            if (watches.size >= MAX_WATCHES_PER_SOCKET) {
              return fail('INVALID_INPUT', `at most ${MAX_WATCHES_PER_SOCKET} jobs per socket; unsubscribe some first`);
            }
            // Visibility first: a job is watched only once the key may see it.
            const job = await deps.jobs.get(id);
            if (!job || !canAccessProject(req.principal, job.project)) {
              fail('NOT_FOUND', `job ${id} not found`);
              continue;
            }
            if (closed) return;
            // Finished jobs stay watched: a requeue from the DLQ brings them back.
            watches.set(
              id,
              watchJobRecord(deps.ctx, id, (next) => send({ type: 'job', job: next })),
            );
            // Read again now that the watch is on, so a change between the reads is not lost.
            send({ type: 'job', job: (await deps.jobs.get(id)) ?? job });
          }
        };

        socket.on('message', (raw: RawData, isBinary: boolean) => {
          if (queued >= MAX_QUEUED_FRAMES) return fail('INVALID_INPUT', 'too many frames waiting; slow down');
          queued += 1;
          chain = chain
            .then(() => handle(raw, isBinary))
            .catch((err: unknown) => {
              if (isNatsUnavailable(err)) return fail('UNAVAILABLE', 'the job store is unreachable; try again shortly');
              req.log.error({ err }, 'websocket frame failed');
              fail('INTERNAL', 'internal error; the gateway log has the details');
            })
            .finally(() => {
              queued -= 1;
            });
        });
        socket.on('close', () => {
          closed = true;
          for (const watch of watches.values()) watch.stop();
          watches.clear();
        });
      },
    });
  };
}

/** The frame as a client message, or what is wrong with it. */
function parseFrame(raw: RawData): WsClientMessage | string {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : Buffer.concat(toBuffers(raw)).toString('utf8'));
  } catch {
    return 'not JSON';
  }
  const parsed = WsClientMessage.safeParse(json);
  if (parsed.success) return parsed.data;
  return parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`)
    .join('; ');
}

function toBuffers(raw: RawData): Buffer[] {
  if (Array.isArray(raw)) return raw;
  return [Buffer.from(raw as ArrayBuffer)];
}
