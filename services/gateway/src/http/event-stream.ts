import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

/**
 * Takes the answer over from Fastify and opens a Server-Sent Events stream on it: the
 * headers (no caching, no proxy buffering) and the client's reconnect delay. The route
 * writes its events to what this returns and ends it.
 */
export function openEventStream(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 1000\n\n');
  return res;
}

/** Writes a keep-alive comment every 15 s until the returned timer is cleared. */
export function keepAlive(res: ServerResponse): NodeJS.Timeout {
  return setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
}
