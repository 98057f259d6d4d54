import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestSystem, type TestSystem } from '@reelay/runtime/testing';

/**
 * The system the SDK and CLI are tested against: a real nats-server, the real gateway and
 * the scheduler (which serves the system queue), each its own process. No mocks.
 */
export const GATEWAY_ENTRY = fileURLToPath(new URL('../../../services/gateway/dist/main.js', import.meta.url));
export const SCHEDULER_ENTRY = fileURLToPath(new URL('../../../services/scheduler/dist/main.js', import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

export const ADMIN_KEY = 'sdk-admin-key-0123456789';
/** Reads only, and only project `beta`. */
export const READER_KEY = 'sdk-reader-key-0123456789';

export interface GatewaySystem {
  system: TestSystem;
  url: string;
  close(): Promise<void>;
}

export async function startGatewaySystem(): Promise<GatewaySystem> {
  const system = await startTestSystem({ ackWaitMs: 2_000 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-sdk-'));
  const keysFile = path.join(dir, 'keys.json');
  await writeFile(
    keysFile,
    JSON.stringify([
      { name: 'admin', key: ADMIN_KEY, scopes: ['jobs:write', 'jobs:read', 'admin'], projects: ['*'] },
      { name: 'reader', key: READER_KEY, scopes: ['jobs:read'], projects: ['beta'] },
    ]),
  );
  try {
    // Side by side: neither needs the other to start. PORT=0: the gateway binds a free port
    // and logs the address it got.
    const [, gateway] = await Promise.all([
      system.startService(SCHEDULER_ENTRY, {}, /scheduler ready/),
      system.startService(GATEWAY_ENTRY, { PORT: '0', REELAY_API_KEYS_FILE: keysFile }, /gateway ready on http:\/\/[\d.:]+/),
    ]);
    const url = gateway.output().match(/gateway ready on (http:\/\/[\d.:]+)/)?.[1];
    if (!url) throw new Error(`gateway did not log its address:\n${gateway.output().slice(-2000)}`);
    return {
      system,
      url,
      async close() {
        await system.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await system.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
