import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServiceProcess, startTestSystem, type TestSystem } from '@reelay/runtime/testing';

export const GATEWAY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const SCHEDULER = fileURLToPath(new URL('../../scheduler/dist/main.js', import.meta.url));

/** Longer than any route takes (a wait route's timeoutMs is 20 s in these tests). */
const CALL_TIMEOUT_MS = 45_000;

export const ADMIN_KEY = 'admin-key-0123456789abcdef';
export const ALPHA_KEY = 'alpha-key-0123456789abcdef';
export const BETA_READER_KEY = 'beta-reader-0123456789abcdef';

export interface GatewayFixture {
  system: TestSystem;
  gateway: ServiceProcess;
  url: string;
  /** fetch against the gateway with a key (ADMIN_KEY unless given; null for none). */
  call(pathname: string, init?: RequestInit & { key?: string | null; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/** A real nats-server, the real gateway and the scheduler (which serves system.*), as processes. */
export async function startGateway(env: Record<string, string> = {}): Promise<GatewayFixture> {
  const system = await startTestSystem({ ackWaitMs: 2_000 });
  const keysFile = path.join(system.dir, 'api-keys.json');
  await writeFile(
    keysFile,
    JSON.stringify([
      { name: 'admin', key: ADMIN_KEY, scopes: ['jobs:write', 'jobs:read', 'admin'], projects: ['*'] },
      { name: 'alpha', key: ALPHA_KEY, scopes: ['jobs:write', 'jobs:read'], projects: ['alpha'] },
      // Hashed at rest: sha256 of BETA_READER_KEY.
      {
        name: 'beta-reader',
        keyHash: `sha256:${(await import('node:crypto')).createHash('sha256').update(BETA_READER_KEY).digest('hex')}`,
        scopes: ['jobs:read'],
        projects: ['beta'],
      },
    ]),
  );
  await system.startService(SCHEDULER, {}, /scheduler ready/);
  const gateway = await system.startService(GATEWAY, { PORT: '0', REELAY_API_KEYS_FILE: keysFile, ...env }, /gateway ready on/);
  const url = gateway.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '';
  return {
    system,
    gateway,
    url,
    call(pathname, init = {}) {
      const { key = ADMIN_KEY, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key) headers.set('authorization', `Bearer ${key}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      // A request the gateway never answers fails here, named, well inside a test's time.
      const signal = rest.signal ?? AbortSignal.timeout(CALL_TIMEOUT_MS);
      return fetch(`${url}${pathname}`, { ...rest, headers, signal, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) }).catch(
        (err: unknown) => {
          throw new Error(`${rest.method ?? 'GET'} ${pathname}: ${String(err)}`, { cause: err });
        },
      );
    },
    close: () => system.close(),
  };
}
