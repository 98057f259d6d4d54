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
