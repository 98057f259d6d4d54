import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandler } from '../http/error-handler.js';
import { ApiKeys } from './api-keys.js';
import { authPlugin } from './auth-plugin.js';

const READER = 'reader-key-0123456789abcdef';
const keys = ApiKeys.fromEntries([{ name: 'reader', key: READER, scopes: ['jobs:read'], projects: ['alpha'] }]);

async function appWith(routes: (app: ReturnType<typeof Fastify>) => void) {
  const app = Fastify();
  installErrorHandler(app);
  await app.register(authPlugin, { keys, failuresPerMinute: 1_000 });
  await app.register(async (child) => routes(child as never));
  return app;
}

describe('authPlugin', () => {
  it('refuses to start when a route declares neither a scope nor public', async () => {
    await expect(appWith((a) => a.get('/forgot', async () => 'open'))).rejects.toThrow(/GET \/forgot declares neither a scope nor public/);
  });

  it('serves a public route without a key and asks a scoped one for its scope', async () => {
    const app = await appWith((a) => {
      a.get('/open', { config: { public: true } }, async () => 'open');
      a.get('/read', { config: { scope: 'jobs:read' } }, async () => 'read');
      a.post('/write', { config: { scope: 'jobs:write' } }, async () => 'write');
    });
    expect((await app.inject({ url: '/open' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/read' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/read', headers: { authorization: `Bearer ${READER}` } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/write', headers: { authorization: `Bearer ${READER}` } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/nowhere' })).statusCode).toBe(404);
  });

  it('takes ?access_token= only on a route that says a client there cannot send a header', async () => {
    const app = await appWith((a) => {
      a.get('/header-only', { config: { scope: 'jobs:read' } }, async () => 'ok');
      a.get('/socket', { config: { scope: 'jobs:read', queryToken: true } }, async () => 'ok');
    });
    expect((await app.inject({ url: `/header-only?access_token=${READER}` })).statusCode).toBe(401);
    expect((await app.inject({ url: `/socket?access_token=${READER}` })).statusCode).toBe(200);
  });

  it('answers 429 with Retry-After once an address has failed too often, a good key included', async () => {
    const app = Fastify();
    installErrorHandler(app);
    await app.register(authPlugin, { keys, failuresPerMinute: 2 });
    app.get('/read', { config: { scope: 'jobs:read' } }, async () => 'read');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.inject({ url: '/read', headers: { authorization: 'Bearer wrong' } })).statusCode);
    expect(statuses).toEqual([401, 401, 429]);
    const good = await app.inject({ url: '/read', headers: { authorization: `Bearer ${READER}` } });
    expect(good.statusCode).toBe(429);
    expect(Number(good.headers['retry-after'])).toBeGreaterThan(0);
    expect(good.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });
});

describe('authPlugin with a dashboard session cookie', () => {
  async function sessionApp() {
    const app = await appWith((a) => {
      a.get('/read', { config: { scope: 'jobs:read' } }, async (req) => req.principal.name);
      a.post('/change', { config: { scope: 'jobs:read' } }, async () => 'changed');
      a.post('/write', { config: { scope: 'jobs:write' } }, async () => 'written');
    });
    await app.ready();
    const principal = keys.authenticate(READER);
    if (!principal) throw new Error('reader key not loaded');
    const { value, session } = app.sessions.issue(principal);
    const cookie = `reelay_session=${app.signCookie(value)}`;
    return { app, cookie, csrf: session.csrfToken, value };
  }

  it('a signed session cookie reads like its key; a change needs the session’s CSRF token as x-csrf-token', async () => {
    const { app, cookie, csrf } = await sessionApp();
    const read = await app.inject({ url: '/read', headers: { cookie } });
    expect({ status: read.statusCode, body: read.body }).toEqual({ status: 200, body: 'reader' });
    const bare = await app.inject({ method: 'POST', url: '/change', headers: { cookie } });
    expect(bare.statusCode).toBe(403);
    expect(bare.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('CSRF') } });
    expect((await app.inject({ method: 'POST', url: '/change', headers: { cookie, 'x-csrf-token': 'forged' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/change', headers: { cookie, 'x-csrf-token': csrf } })).statusCode).toBe(200);
    // The session has its key's scopes, no more.
    expect((await app.inject({ method: 'POST', url: '/write', headers: { cookie, 'x-csrf-token': csrf } })).statusCode).toBe(403);
  });

  it('refuses a cookie from another origin, an unsigned or tampered cookie, and an expired session', async () => {
    const { app, cookie, csrf, value } = await sessionApp();
    const foreign = await app.inject({ url: '/read', headers: { cookie, origin: 'https://evil.example', host: 'gateway.test' } });
    expect(foreign.statusCode).toBe(403);
    const same = await app.inject({ url: '/read', headers: { cookie, origin: 'http://gateway.test', host: 'gateway.test' } });
    expect(same.statusCode).toBe(200);
    expect((await app.inject({ url: '/read', headers: { cookie: `reelay_session=${value}` } })).statusCode).toBe(401);
    const tampered = cookie.replace(/.(?=\.)/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await app.inject({ url: '/read', headers: { cookie: tampered } })).statusCode).toBe(401);
    const principal = keys.authenticate(READER);
    if (!principal) throw new Error('reader key not loaded');
    const old = app.sessions.issue(principal, Date.now() - app.sessions.ttlMs - 1);
    const expired = await app.inject({ url: '/read', headers: { cookie: `reelay_session=${app.signCookie(old.value)}` } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect(csrf).not.toBe(old.session.csrfToken);
  });

  it('a key in the Authorization header wins over a cookie and needs no CSRF token', async () => {
    const { app, cookie } = await sessionApp();
    const res = await app.inject({ method: 'POST', url: '/change', headers: { cookie, authorization: `Bearer ${READER}` } });
    expect(res.statusCode).toBe(200);
  });
});
