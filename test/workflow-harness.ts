/**
 * What the end-to-end pipeline tests share: the runtime's test fixtures and the SDK
 * loaded as a service would load them (the root package depends on no workspace
 * package), each service's entry point, a gateway with one admin key, and a wait for a
 * workflow to succeed that fails fast, with the steps, when it fails.
 */
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const service = (name: string) => join(root, 'services', name, 'dist/main.js');

const fromScheduler = createRequire(join(root, 'services/scheduler/package.json'));
export const testing = (await import(
  pathToFileURL(fromScheduler.resolve('@reelay/runtime/testing')).href
)) as typeof import('@reelay/runtime/testing');
const fromSdk = createRequire(join(root, 'packages/sdk/package.json'));
export const sdk = (await import(pathToFileURL(fromSdk.resolve('@reelay/sdk')).href)) as typeof import('@reelay/sdk');

type TestSystem = Awaited<ReturnType<typeof testing.startTestSystem>>;
type Client = InstanceType<typeof sdk.ReelayClient>;

/** A gateway on a free port that knows one key with every scope on every project, and an SDK client using it. */
export async function startGatewayClient(
  system: TestSystem,
  o: { key: string; work: string; env?: Record<string, string> },
): Promise<Client> {
  const keysFile = join(o.work, 'keys.json');
  await writeFile(keysFile, JSON.stringify([{ key: o.key, scopes: ['jobs:write', 'jobs:read', 'admin'], projects: ['*'] }]));
  const gateway = await system.startService(
    service('gateway'),
    { ...o.env, PORT: '0', REELAY_API_KEYS_FILE: keysFile },
    /gateway ready on/,
  );
  const url = gateway.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1] ?? '';
  return sdk.createClient({ baseUrl: url, apiKey: o.key });
}

/** The workflow once it has succeeded; fails at once, with its steps, if it fails or is cancelled. */
export async function waitForWorkflow(
  client: Client,
  id: string,
  o: { timeoutMs: number; intervalMs: number; what: string },
): Promise<Awaited<ReturnType<Client['getWorkflow']>>> {
  return testing
    .waitUntil(async () => {
      const v = await client.getWorkflow(id);
      if (v.status === 'failed' || v.status === 'cancelled')
        throw new Error(`workflow ${v.status}: ${JSON.stringify(v.steps, null, 1).slice(0, 8000)}`);
      return v.status === 'succeeded' ? v : undefined;
    }, o)
    .catch(async (err) => {
      throw new Error(`${err}\n${JSON.stringify(await client.getWorkflow(id), null, 1).slice(0, 8000)}`);
    });
}
