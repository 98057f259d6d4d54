import { CreateSessionBody, SESSION_COOKIE, SessionStatus, SessionView } from '@reelay/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Session } from './sessions.js';

export interface SessionRouteOptions {
  /** `{traceId}` in it becomes a job's trace id: the dashboard's trace links. */
  traceUrlTemplate?: string | undefined;
}

/**
 * /v1/session — the dashboard's sign-in. POST exchanges an API key (in the body, once) for
 * an HttpOnly, SameSite=Strict, signed cookie and answers with the CSRF token the page
 * keeps in memory; GET tells a reloaded page who it is (and the token again); DELETE signs
 * out. The routes are public because they are the way in; the key check inside is the
 * auth plugin's, throttled like every other.
 */
export const sessionRoutes =
  (opts: SessionRouteOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const view = (s: Session): SessionView => ({
      name: s.principal.name,
      keyId: s.principal.keyId,
      scopes: [...s.principal.scopes],
      projects: [...s.principal.projects],
      csrfToken: s.csrfToken,
      expiresAt: s.expiresAt.toISOString(),
      ...(opts.traceUrlTemplate ? { traceUrlTemplate: opts.traceUrlTemplate } : {}),
    });
    const clear = (reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, { path: '/' });
    const secure = (req: FastifyRequest) => req.protocol === 'https';

    app.post(
      '/v1/session',
      {
        config: { public: true },
        schema: {
          tags: ['session'],
          operationId: 'createSession',
          summary: 'Sign in to the dashboard: exchange an API key for a session cookie (HttpOnly, SameSite=Strict)',
          body: CreateSessionBody,
          response: { 200: SessionView },
        },
      },
      async (req, reply) => {
        const principal = app.checkKey(req, req.body.key);
        const { value, session } = app.sessions.issue(principal);
        reply.setCookie(SESSION_COOKIE, value, {
          httpOnly: true,
          sameSite: 'strict',
          secure: secure(req),
          path: '/',
          signed: true,
          maxAge: Math.floor(app.sessions.ttlMs / 1000),
        });
        return view(session);
      },
    );

    app.get(
      '/v1/session',
      {
        config: { public: true },
        schema: {
          tags: ['session'],
          operationId: 'getSession',
          summary: 'The signed-in dashboard session (who, which projects, its CSRF token), or none',
          response: { 200: SessionStatus },
        },
      },
      async (req, reply) => {
        const session = app.sessionOf(req);
        // Not signed in is an answer, not an error: a page asks this on every load.
        if (!session) {
          if (req.cookies[SESSION_COOKIE]) clear(reply);
          return {};
        }
        return { session: view(session) };
      },
    );

    app.delete(
      '/v1/session',
      {
        config: { public: true },
        schema: { tags: ['session'], operationId: 'deleteSession', summary: 'Sign out: the session cookie is cleared' },
      },
      async (_req, reply) => {
        clear(reply);
        return reply.code(204).send();
      },
    );
  };
