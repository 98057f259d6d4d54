import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { dashboardAssetsDir } from '@reelay/dashboard-ui';
import type { FastifyInstance } from 'fastify';

/**
 * The dashboard: the single-page app of @reelay/dashboard-ui (Preact, built by Vite),
 * served as static files at /dashboard/. Every path under /dashboard/ that is not a file
 * answers index.html, so a reload on /dashboard/jobs/<id> works. The files are public; all
 * the app shows comes from the API, behind the session cookie it signs in for
 * (auth/session-routes.ts). Hashed assets are cached for a year, index.html never.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The dashboard's routes are the way in: public to the auth hook, hidden from the OpenAPI document. */
const OPEN = { config: { public: true }, schema: { hide: true } } as const;

export function dashboardRoutes(root: string = dashboardAssetsDir) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onSend', async (_req, reply, payload) => {
      reply.header('content-security-policy', CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      return payload;
    });
    for (const url of ['/', '/dashboard']) app.get(url, OPEN, async (_req, reply) => reply.redirect('/dashboard/'));

    if (!existsSync(path.join(root, 'index.html'))) {
      app.get('/dashboard/*', OPEN, async (_req, reply) =>
        reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .send('the dashboard is not built: run pnpm turbo run build --filter @reelay/dashboard-ui'),
      );
      return;
    }
    // @fastify/static only sends files here (serve: false): the one route below decides
    // which, so it can carry the route config the auth plugin asks of every route.
    await app.register(fastifyStatic, { root, serve: false });
    app.get('/dashboard/*', OPEN, async (req, reply) => {
      const file = (req.params as { '*': string })['*'];
      const asset = file.startsWith('assets/') && !file.includes('..') && existsSync(path.join(root, file));
      // cacheControl: false, or send's own header (max-age=0) replaces these.
      if (asset) return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(file, { cacheControl: false });
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    });
  };
}
