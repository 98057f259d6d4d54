import { z } from 'zod';

/** The cookie a dashboard session travels in (HttpOnly, SameSite=Strict, signed). */
export const SESSION_COOKIE = 'reelay_session';
/** The header a cookie-authenticated mutating request must carry: the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * POST /v1/session — exchange an API key for a session cookie. The key travels once, in
 * this body; the dashboard never stores it (no localStorage, no URL).
 */
export const CreateSessionBody = z.object({ key: z.string().min(1).max(512) }).strict();
export type CreateSessionBody = z.infer<typeof CreateSessionBody>;

/**
 * GET /v1/session (and the answer to POST): who the cookie belongs to, the CSRF token to
 * send as `x-csrf-token` on every mutating request, and the dashboard's links.
 */
export const SessionView = z.object({
  name: z.string(),
  keyId: z.string(),
  scopes: z.array(z.enum(['jobs:write', 'jobs:read', 'admin'])),
  projects: z.array(z.string()),
  csrfToken: z.string(),
  expiresAt: z.string(),
  /** A URL template with `{traceId}` for a job's trace (Jaeger), when one is configured. */
  traceUrlTemplate: z.string().optional(),
});
export type SessionView = z.infer<typeof SessionView>;

/** GET /v1/session: the session, or none when the cookie is missing, expired or not valid. */
export const SessionStatus = z.object({ session: SessionView.optional() });
export type SessionStatus = z.infer<typeof SessionStatus>;
