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

  it('lists a key once its entry is written, not one whose entry expired, and keeps to a filter', async () => {
    const kv = await new Kvm(nc).create('keys_with_ttl', { ttl: 1_000, history: 1 });
    await kv.put('short.a', '1');
    await kv.put('short.b', '1');
    await new Promise((r) => setTimeout(r, 1_500));
    await kv.put('kept.a', '1');
    await kv.put('kept.b', '1');
    await kv.put('other', '1');
    expect((await uniqueKeys(kv)).sort()).toEqual(['kept.a', 'kept.b', 'other']);
    expect((await uniqueKeys(kv, 'kept.>')).sort()).toEqual(['kept.a', 'kept.b']);
    expect((await uniqueKeys(kv, ['kept.a', 'other'])).sort()).toEqual(['kept.a', 'other']);
    expect(await uniqueKeys(await new Kvm(nc).create('keys_empty'))).toEqual([]);
  });

  it('lists a deleted key while its marker is stored, and its entry reads as a DEL', async () => {
    const kv = await new Kvm(nc).create('keys_deleted');
    await kv.put('gone', '1');
    await kv.put('here', '1');
    await kv.delete('gone');
    const keys = (await uniqueKeys(kv)).sort();
    expect(keys).toEqual(['gone', 'here']);
    expect(await Promise.all(keys.map(async (k) => (await kv.get(k))?.operation))).toEqual(['DEL', 'PUT']);
  });
});
