import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { errors as coreErrors } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, type NatsContext } from '../src/nats/connection.js';
import { classifyNatsError, isNatsUnavailable, isWrongLastSequence } from '../src/nats/nats-errors.js';
import { RESEND_AFTER_MS, StreamPublisher } from '../src/nats/stream-publisher.js';
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

  it('a withdrawable write taken back within its turn is never sent or encoded; one that left answers as any write', async () => {
    let encoded = 0;
    const encode = (text: string) => () => {
      encoded += 1;
      return data(text);
    };
    const taken = publisher.publishWithdrawable('pub.withdraw.a', encode('running'));
    const kept = publisher.publish('pub.withdraw.a', data('succeeded'));
    expect(taken.withdraw()).toBe(true);
    expect(await taken.ack).toBeUndefined();
    const last = await kept;
    expect(encoded).toBe(0);
    expect((await ctx.jsm.streams.getMessage('PUB', { last_by_subj: 'pub.withdraw.a' }))?.seq).toBe(last.seq);
    expect((await ctx.jsm.streams.info('PUB', { subjects_filter: 'pub.withdraw.a' })).state.subjects).toEqual({ 'pub.withdraw.a': 1 });

    const sent = publisher.publishWithdrawable('pub.withdraw.b', encode('running'));
    await new Promise((r) => setImmediate(r));
    expect(sent.withdraw()).toBe(false);
    const ack = await sent.ack;
    expect(encoded).toBe(1);
    expect((await ctx.jsm.streams.getMessage('PUB', { seq: ack?.seq ?? 0 }))?.string()).toBe('running');
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

  it('a write with a message id that gets no answer is sent again, with the same id, until an answer settles it', async () => {
    // Stands in for a stream electing a leader: its replicas take the write and answer
    // nothing until one leads. This listener drops the first two copies, then answers as
    // a stream does.
    const copies: (string | undefined)[] = [];
    const electing = ctx.nc.subscribe('electing.write', {
      callback: (_err, msg) => {
        copies.push(msg.headers?.get('Nats-Msg-Id'));
        if (copies.length === 3) msg.respond(data(JSON.stringify({ stream: 'ELECTING', seq: 42 })));
      },
    });
    await ctx.nc.flush();
    const ack = await publisher.publish('electing.write', data('x'), { msgID: 'job-resent', timeoutMs: 6 * RESEND_AFTER_MS });
    expect(ack).toMatchObject({ stream: 'ELECTING', seq: 42, duplicate: false });
    expect(copies).toEqual(['job-resent', 'job-resent', 'job-resent']);
    // Settled: no more copies go out.
    await new Promise((r) => setTimeout(r, 1.5 * RESEND_AFTER_MS));
    expect(copies).toHaveLength(3);
    electing.unsubscribe();
  });

  it('a write without a message id is sent once: unanswered, it times out rather than risk a second copy', async () => {
    let copies = 0;
    const silent = ctx.nc.subscribe('silent.once', { callback: () => copies++ });
    await ctx.nc.flush();
    const err = await publisher.publish('silent.once', data('x'), { timeoutMs: 2.5 * RESEND_AFTER_MS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(coreErrors.TimeoutError);
    expect(copies).toBe(1);
    silent.unsubscribe();
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
