import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { errors as coreErrors } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, type NatsContext } from '../src/nats/connection.js';
import { classifyNatsError, isNatsUnavailable, isWrongLastSequence } from '../src/nats/nats-errors.js';
import { StreamPublisher } from '../src/nats/stream-publisher.js';
import { startNatsServer, type NatsServerHandle } from '../src/testing/nats-server.js';
import { waitUntil } from '../src/testing/wait-until.js';

const data = (s: string) => new TextEncoder().encode(s);

describe('stream publisher: JetStream writes acked on one inbox', () => {
  let nats: NatsServerHandle;
  let ctx: NatsContext;
  let publisher: StreamPublisher;
  beforeAll(async () => {
    nats = await startNatsServer();
    ctx = await connectNats({ url: nats.url, name: 'stream-publisher-test' });
    await ctx.jsm.streams.add({ name: 'PUB', subjects: ['pub.>'], storage: StorageType.File, retention: RetentionPolicy.Limits });
    publisher = new StreamPublisher(ctx.nc);
  });
  afterAll(async () => {
    publisher.close();
    await ctx.nc.close();
    await nats.stop();
  });

  it('many writes in flight at once each resolve with their own sequence, as the stream stored them', async () => {
    const acks = await Promise.all(Array.from({ length: 500 }, (_, i) => publisher.publish(`pub.many.${i}`, data(String(i)))));
    expect(new Set(acks.map((a) => a.seq)).size).toBe(500);
    for (const [i, ack] of acks.entries()) {
      expect(ack.stream).toBe('PUB');
      const stored = await ctx.jsm.streams.getMessage('PUB', { seq: ack.seq });
      expect(stored?.subject).toBe(`pub.many.${i}`);
      expect(stored?.string()).toBe(String(i));
    }
  });

  it('a compare-and-set against a sequence that is no longer the last fails as wrong-last-sequence and writes nothing', async () => {
    const first = await publisher.publish('pub.cas', data('a'), { expectLastSubjectSequence: 0 });
    await publisher.publish('pub.cas', data('b'), { expectLastSubjectSequence: first.seq });
    const stale = await publisher.publish('pub.cas', data('c'), { expectLastSubjectSequence: first.seq }).catch((e: unknown) => e);
    expect(isWrongLastSequence(stale)).toBe(true);
    expect((await ctx.jsm.streams.getMessage('PUB', { last_by_subj: 'pub.cas' }))?.string()).toBe('b');
  });

  it('a second write with the same message id is answered as a duplicate and not stored again', async () => {
    const first = await publisher.publish('pub.dedupe', data('x'), { msgID: 'job-1' });
    const again = await publisher.publish('pub.dedupe', data('x'), { msgID: 'job-1' });
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
  });

  it('a subject no stream takes fails as unavailable (no responders)', async () => {
    const err = await publisher.publish('nostream.here', data('x')).catch((e: unknown) => e);
    expect(classifyNatsError(err)).toBe('unavailable');
  });

  it('writes still waiting when the connection closes fail at once as a closed connection, not at their deadline', async () => {
    // A listener that never answers: the write waits, as one whose server went away.
    const silent = ctx.nc.subscribe('silent.write');
    await ctx.nc.flush();
    const other = await connectNats({ url: nats.url, name: 'stream-publisher-close' });
    const own = new StreamPublisher(other.nc);
    const waiting = own.publish('silent.write', data('x'), { timeoutMs: 600_000 }).catch((e: unknown) => e);
    await other.nc.flush();
    await other.nc.close();
    const err = await waiting;
    expect(err).toBeInstanceOf(coreErrors.ClosedConnectionError);
    expect(isNatsUnavailable(err)).toBe(true);
    silent.unsubscribe();
  });

  it('a write the server never answers fails as unavailable after its timeout, and writes after the reconnect are acked again', async () => {
    await nats.kill();
    await waitUntil(() => !ctx.connected(), { what: 'the client to see the server gone' });
    const err = await publisher.publish('pub.down', data('x'), { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(isNatsUnavailable(err)).toBe(true);
    await nats.restart();
    // nats.js drops what was published while disconnected (as for js.publish): write after the reconnect.
    await waitUntil(() => ctx.connected(), { what: 'the client to reconnect', timeoutMs: 30_000 });
    const ack = await publisher.publish('pub.down', data('y'), { timeoutMs: 30_000 });
    expect((await ctx.jsm.streams.getMessage('PUB', { seq: ack.seq }))?.string()).toBe('y');
  });
});
