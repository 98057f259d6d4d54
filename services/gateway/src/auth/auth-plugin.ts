import type { ApiScope } from '@reelay/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../http/http-error.js';
import { type ApiKeys, canAccessProject, type Principal } from './api-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one (health, docs) are public. */
    scope?: ApiScope;
  }
}

/**
 * Authenticates every request to a route that declares a scope. The key comes from
 * `Authorization: Bearer`, or `?access_token=` for WebSocket and EventSource clients
 * that cannot set headers.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: { keys: ApiKeys }) => {
  app.decorateRequest('principal', undefined as unknown as Principal);
  app.addHook('onRequest', async (req) => {
    const scope = req.routeOptions.config?.scope;
    if (!scope) return;
    req.principal = authenticateRequest(opts.keys, req, scope);
  });
});

/**
 * The caller's key, checked for `scope`. The hook above uses it for every scoped route;
 * a route with another way in (signed artifact links) calls it itself.
 */
export function authenticateRequest(keys: ApiKeys, req: FastifyRequest, scope: ApiScope): Principal {
  const presented = bearer(req);
  if (!presented) throw new HttpError('UNAUTHENTICATED', 'missing API key: send Authorization: Bearer <key>');
  const principal = keys.authenticate(presented);
  if (!principal) throw new HttpError('UNAUTHENTICATED', 'unknown API key');
  if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
    throw new HttpError('FORBIDDEN', `this key lacks the ${scope} scope`);
  }
  return principal;
}

function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const token = (req.query as Record<string, unknown> | undefined)?.access_token;
  return typeof token === 'string' ? token : undefined;
}

/** The project a write goes to: the one asked for, if the key may touch it. */
export function projectFor(principal: Principal, requested: string | undefined): string {
  const fallback = principal.projects.includes('*') ? 'default' : principal.projects[0];
  const project = requested ?? fallback ?? 'default';
  if (!canAccessProject(principal, project)) throw new HttpError('FORBIDDEN', `this key may not use project "${project}"`);
  return project;
}

/** Reads of another project's resources answer 404, not 403: existence is not leaked. */
export function assertVisible(principal: Principal, project: string, what: string): void {
  if (!canAccessProject(principal, project)) throw new HttpError('NOT_FOUND', `${what} not found`);
}
