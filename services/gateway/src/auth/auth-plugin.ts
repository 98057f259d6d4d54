import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import { type ApiScope, CSRF_HEADER, SESSION_COOKIE } from '@reelay/contracts';
import type { JobClient } from '@reelay/runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../http/http-error.js';
import { type ApiKeys, canAccessProject, type Principal } from './api-keys.js';
import { FailedAuthThrottle } from './failed-auth-throttle.js';
import { type Session, Sessions } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyInstance {
    /** The caller's key, checked for `scope`; for a public route with a way in of its own. */
    authenticate(req: FastifyRequest, scope: ApiScope): Principal;
    /** A key presented to sign in (POST /v1/session), checked and throttled like any other. */
    checkKey(req: FastifyRequest, key: string): Principal;
    /** The dashboard session a request's cookie carries, if it is valid. */
    sessionOf(req: FastifyRequest): Session | undefined;
    sessions: Sessions;
  }
  interface FastifyContextConfig {
    /** The scope a route needs. Every route declares one, or says it is public. */
    scope?: ApiScope;
    /**
     * Served without the hook's check: health, docs, the dashboard page, and artifact
     * downloads (which accept a signed link or call `app.authenticate` themselves).
     */
    public?: boolean;
    /**
     * The key may also come as `?access_token=`: only where a client cannot set a header
     * (WebSocket, EventSource). Everywhere else a key in a URL would end up in logs.
     */
    queryToken?: boolean;
  }
}

export interface AuthOptions {
  keys: ApiKeys;
  /** Failed authentications per client address per minute before it gets 429. */
  failuresPerMinute: number;
  /** Signs session cookies; a random one per process when not given (sessions then end at restart). */
  sessionSecret?: string | undefined;
  /** How long a dashboard session lasts. @default 12 h */
  sessionTtlMs?: number | undefined;
}

/** Methods that change nothing: a cookie-authenticated request needs no CSRF token for them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Auth, fail-closed: every route registered after this plugin must declare a scope or
 * `public: true` (the app does not start otherwise), and a request to a route without
 * `public` is authenticated — a route that somehow has neither needs admin. Failed
 * attempts (no key, unknown key) are counted per client address; past the limit the
 * address gets 429 with Retry-After until its minute is up.
 *
 * A caller proves who it is with an API key (`Authorization: Bearer`, or `?access_token=`
 * where a route allows it) or, from the dashboard, with the session cookie that
 * POST /v1/session gave for a key. A key wins over a cookie. A cookie-authenticated
 * request that changes something (any method but GET/HEAD/OPTIONS) must also carry the
 * session's CSRF token in `x-csrf-token`, and one with an `Origin` header must come from
 * this gateway's own origin (which covers the WebSocket handshake, where no header can be
 * set): SameSite=Strict already keeps the cookie off cross-site requests; these two hold
 * the line where a browser or a proxy does not.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: AuthOptions) => {
  const throttle = new FailedAuthThrottle(opts.failuresPerMinute);
  const secret = opts.sessionSecret ?? randomBytes(32).toString('base64url');
  const sessions = new Sessions(opts.keys, secret, opts.sessionTtlMs ?? 12 * 3_600_000);
  await app.register(cookie, { secret });

  const sessionOf = (req: FastifyRequest): Session | undefined => {
    const raw = req.cookies?.[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = req.unsignCookie(raw);
    return unsigned.valid && unsigned.value !== null ? sessions.read(unsigned.value) : undefined;
  };

  const throttled = (req: FastifyRequest) => {
    const retryAfterMs = throttle.retryAfterMs(req.ip);
    if (retryAfterMs > 0) {
      throw new HttpError(
        'RATE_LIMITED',
        `too many failed authentications from this address; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
        undefined,
        retryAfterMs,
      );
    }
  };

  const bySession = (req: FastifyRequest): Principal => {
    const session = sessionOf(req);
    if (!session) throw new HttpError('UNAUTHENTICATED', 'the session has expired or is not valid: sign in again');
    const origin = req.headers.origin;
    if (origin !== undefined && !sameOrigin(origin, req.headers.host)) {
      throw new HttpError('FORBIDDEN', 'a session cookie is accepted only from the gateway’s own origin');
    }
    if (!SAFE_METHODS.has(req.method) && !Sessions.csrfMatches(session, headerValue(req.headers[CSRF_HEADER]))) {
      throw new HttpError('FORBIDDEN', `missing or wrong CSRF token: send the session's csrfToken as ${CSRF_HEADER}`);
    }
    return session.principal;
  };

  const authenticate = (req: FastifyRequest, scope: ApiScope, queryToken = false): Principal => {
    throttled(req);
    const presented = presentedKey(req, queryToken);
    if (presented === undefined && req.cookies?.[SESSION_COOKIE]) {
      const principal = bySession(req);
      if (!hasScope(principal, scope)) throw new HttpError('FORBIDDEN', `this key lacks the ${scope} scope`);
      return principal;
    }
    const principal = presented === undefined ? undefined : opts.keys.authenticate(presented);
    if (!principal) {
      throttle.recordFailure(req.ip);
      throw new HttpError(
        'UNAUTHENTICATED',
        presented === undefined ? 'missing API key: send Authorization: Bearer <key>' : 'unknown API key',
      );
    }
    if (!hasScope(principal, scope)) throw new HttpError('FORBIDDEN', `this key lacks the ${scope} scope`);
    return principal;
  };

  app.decorate('authenticate', (req: FastifyRequest, scope: ApiScope) => authenticate(req, scope));
  app.decorate('checkKey', (req: FastifyRequest, key: string): Principal => {
    throttled(req);
    const principal = opts.keys.authenticate(key);
    if (!principal) {
      throttle.recordFailure(req.ip);
      throw new HttpError('UNAUTHENTICATED', 'unknown API key');
    }
    return principal;
  });
  app.decorate('sessionOf', sessionOf);
  app.decorate('sessions', sessions);
  app.decorateRequest('principal', undefined as unknown as Principal);
  app.addHook('onRoute', (route) => {
    const config = route.config as { scope?: ApiScope; public?: boolean } | undefined;
    if (config?.public === true || config?.scope !== undefined) return;
    throw new Error(`route ${String(route.method)} ${route.url} declares neither a scope nor public: true`);
  });
  // A callback hook (what it throws fails the request as before): an async one costs a
  // promise and a microtask turn per request.
  app.addHook('onRequest', (req, _reply, done) => {
    const config = req.routeOptions.config;
    if (!req.is404 && config.public !== true) req.principal = authenticate(req, config.scope ?? 'admin', config.queryToken === true);
    done();
  });
});

function hasScope(principal: Principal, scope: ApiScope): boolean {
  return principal.scopes.includes(scope) || principal.scopes.includes('admin');
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function presentedKey(req: FastifyRequest, queryToken: boolean): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  if (!queryToken) return undefined;
  const token = (req.query as Record<string, unknown> | undefined)?.access_token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** The project a write goes to: the one asked for, if the key may touch it. */
export function projectFor(principal: Principal, requested: string | undefined): string {
  const fallback = principal.projects.includes('*') ? 'default' : principal.projects[0];
  const project = requested ?? fallback ?? 'default';
  if (!canAccessProject(principal, project)) throw new HttpError('FORBIDDEN', `this key may not use project "${project}"`);
  return project;
}

/**
 * Some task types need more than jobs:write: maintenance tasks (`requiresScope: 'admin'`
 * in the catalogue, or in a worker's registry entry) look past one project. Every submit
 * path — jobs, batches, schedules, workflows, DLQ requeues — checks its task types here.
 */
export async function assertMaySubmit(jobs: JobClient, principal: Principal, types: Iterable<string>): Promise<void> {
  for (const type of new Set(types)) {
    const needed = (await jobs.resolveTask(type))?.requiresScope;
    if (needed && !hasScope(principal, needed)) throw new HttpError('FORBIDDEN', `task type ${type} needs the ${needed} scope`);
  }
}

/** Reads of another project's resources answer 404, not 403: existence is not leaked. */
export function assertVisible(principal: Principal, project: string, what: string): void {
  if (!canAccessProject(principal, project)) throw new HttpError('NOT_FOUND', `${what} not found`);
}
