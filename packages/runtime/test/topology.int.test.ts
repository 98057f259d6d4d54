import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, type NatsContext } from '../src/nats/connection.js';
import { ensureTopology } from '../src/nats/topology.js';
import { startNatsServer, type NatsServerHandle } from '../src/testing/nats-server.js';

describe('provisioning', () => {
  let nats: NatsServerHandle;
  let ctx: NatsContext;
  beforeAll(async () => {
    nats = await startNatsServer();
    ctx = await connectNats({ url: nats.url, name: 'topology-test' });
  });
  afterAll(async () => {
    await ctx.nc.close();
    await nats.stop();
  });

  it('band consumers have no backoff, and provisioning removes one an older version set', async () => {
    await ensureTopology(ctx, { queues: ['legacy'], ackWaitMs: 30_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
    const ns = (ms: number) => ms * 1_000_000;
    // What versions before this one created: a backoff that nats-server 2.9.10 adds to nak delays.
    await ctx.jsm.consumers.update('JOBS_LEGACY', 'legacy-normal', { backoff: [ns(30_000), ns(60_000), ns(120_000)] });
    expect((await ctx.jsm.consumers.info('JOBS_LEGACY', 'legacy-normal')).config.backoff).toHaveLength(3);
    await ensureTopology(ctx, { queues: ['legacy'], ackWaitMs: 30_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
    for (const band of ['high', 'normal', 'low']) {
      const info = await ctx.jsm.consumers.info('JOBS_LEGACY', `legacy-${band}`);
      expect(info.config.backoff ?? []).toEqual([]);
      expect(info.config.ack_wait).toBe(ns(30_000));
    }
  });

  it('creates a work-queue stream per queue with one durable consumer per priority band', async () => {
    await ensureTopology(ctx, { queues: ['media', 'ai'], ackWaitMs: 30_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
    const media = await ctx.jsm.streams.info('JOBS_MEDIA');
    expect(media.config.retention).toBe('workqueue');
    expect(media.config.storage).toBe('file');
    expect(media.config.subjects).toEqual(['jobs.media.>']);
    const consumers = [];
    for await (const c of ctx.jsm.consumers.list('JOBS_MEDIA')) consumers.push(c);
    expect(consumers.map((c) => [c.name, c.config.filter_subject]).sort()).toEqual([
      ['media-high', 'jobs.media.high'],
      ['media-low', 'jobs.media.low'],
      ['media-normal', 'jobs.media.normal'],
    ]);
    const high = consumers.find((c) => c.name === 'media-high');
    expect(high?.config.ack_wait).toBe(30_000 * 1_000_000);
    // Redelivery after AckWait alone: no consumer backoff stretches it (see the test above).
    expect(high?.config.backoff ?? []).toEqual([]);
    expect(high?.config.max_deliver).toBe(50);
  });

  it('is idempotent, and updates a changed AckWait in place', async () => {
    await ensureTopology(ctx, { queues: ['media'], ackWaitMs: 30_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
    await ensureTopology(ctx, { queues: ['media'], ackWaitMs: 10_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
    const info = await ctx.jsm.consumers.info('JOBS_MEDIA', 'media-normal');
    expect(info.config.ack_wait).toBe(10_000 * 1_000_000);
  });

  it('creates the events, DLQ, control and delayed streams, the KV buckets and the artifact store', async () => {
    await ensureTopology(ctx, { queues: [], ackWaitMs: 30_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
    const names: string[] = [];
    for await (const s of ctx.jsm.streams.names()) names.push(s);
    for (const s of [
      'EVENTS',
      'DLQ',
      'CONTROL',
      'DELAYED',
      'KV_workers',
      'KV_idempotency',
      'KV_schedules',
      'KV_workflows',
      'KV_publications',
      'KV_locks',
      'KV_ratelimits',
    ]) {
      expect(names).toContain(s);
    }
    const events = await ctx.jsm.streams.info('EVENTS');
    expect(events.config.allow_direct).toBe(true);
  });
});
