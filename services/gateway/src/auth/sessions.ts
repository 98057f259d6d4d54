import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeys, Principal } from './api-keys.js';

/** What a session cookie carries, before signing: no key, only the key's id. */
interface SessionPayload {
  /** The key's id (a prefix of its SHA-256): the key's scopes and projects are read from it on every request. */
  k: string;
  /** Session id: the CSRF token is derived from it. */
  s: string;
  /** Expiry, epoch ms. */
  e: number;
}

export interface Session {
  principal: Principal;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * Dashboard sessions: an API key, presented once to POST /v1/session, becomes a signed
 * cookie value that names the key by id and expires. Nothing is stored server-side, so a
 * session works on every gateway replica that shares SESSION_SECRET, and a key removed
 * from the keys file ends its sessions at the next restart. The CSRF token is an HMAC of
 * the session id: the page reads it from GET /v1/session (a cross-site page cannot read
 * that answer) and sends it as a header on every mutating request. Signing the cookie
 * itself is @fastify/cookie's (HMAC-SHA256); this module only makes and reads the value.
 */
export class Sessions {
  constructor(
    private readonly keys: ApiKeys,
    private readonly secret: string,
    readonly ttlMs: number,
  ) {}

  issue(principal: Principal, now = Date.now()): { value: string; session: Session } {
    const payload: SessionPayload = { k: principal.keyId, s: randomBytes(18).toString('base64url'), e: now + this.ttlMs };
    const value = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { value, session: { principal, csrfToken: this.csrfToken(payload.s), expiresAt: new Date(payload.e) } };
  }

  /** The session a verified (unsigned) cookie value stands for, unless it expired or its key is gone. */
  read(value: string, now = Date.now()): Session | undefined {
    let payload: SessionPayload;
    try {
      payload = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as SessionPayload;
    } catch {
      return undefined;
    }
    if (typeof payload?.k !== 'string' || typeof payload.s !== 'string' || typeof payload.e !== 'number') return undefined;
    if (payload.e <= now) return undefined;
    const principal = this.keys.byKeyId(payload.k);
    if (!principal) return undefined;
    return { principal, csrfToken: this.csrfToken(payload.s), expiresAt: new Date(payload.e) };
  }

  /** Constant-time comparison of a presented CSRF token with the session's. */
  static csrfMatches(session: Session, presented: string | undefined): boolean {
    if (!presented) return false;
    const a = Buffer.from(presented);
    const b = Buffer.from(session.csrfToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private csrfToken(sessionId: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${sessionId}`).digest('base64url');
  }
}
