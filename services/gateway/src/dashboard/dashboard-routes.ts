import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/**
 * The dashboard: one static page (Flower's queues, workers, jobs and dead letters) that
 * talks to the gateway's own REST and WebSocket API with the key typed into it. The page
 * itself is public; everything it shows needs the key.
 */
const page = readFileSync(new URL('./dashboard.html', import.meta.url), 'utf8');

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  for (const path of ['/', '/dashboard']) {
    app.get(path, { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:",
        )
        .send(page),
    );
  }
}
