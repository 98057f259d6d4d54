import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueKeys } from '../src/nats/kv-keys.js';
import { type NatsServerHandle, startNatsServer } from '../src/testing/nats-server.js';

describe('listing KV keys while they change', () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('gives every key once even while other writers keep updating them', async () => {
    const kv = await new Kvm(nc).create('keys_under_writes');
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    for (const k of keys) await kv.put(k, '0');
    let stop = false;
    const writer = (async () => {
      for (let n = 0; !stop; n++) await kv.put(keys[n % keys.length]!, String(n));
    })();
    try {
      for (let round = 0; round < 30; round++) expect((await uniqueKeys(kv)).sort()).toEqual([...keys].sort());
    } finally {
      stop = true;
      await writer;
    }
  });
});
