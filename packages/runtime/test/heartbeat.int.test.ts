import type { KvWatchEntry } from '@nats-io/kv';
import { type GpuInfo, WorkerHeartbeat } from '@reelay/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectNats, type NatsContext } from '../src/nats/connection.js';
import { type Buckets, ensureTopology } from '../src/nats/topology.js';
import { startNatsServer, type NatsServerHandle } from '../src/testing/nats-server.js';
import { waitUntil } from '../src/testing/wait-until.js';
import { Heartbeat, type HeartbeatSource } from '../src/worker/heartbeat.js';

const gpu = (n: number): GpuInfo => ({ name: 'NVIDIA L4', memoryTotalMiB: 23_034, memoryUsedMiB: 1_000 + n, utilizationPct: n });

describe('worker heartbeat', () => {
  let nats: NatsServerHandle;
  let ctx: NatsContext;
  let buckets: Buckets;
  const beats: Heartbeat[] = [];

  beforeEach(async () => {
    nats = await startNatsServer();
    ctx = await connectNats({ url: nats.url, name: 'heartbeat-test' });
    buckets = await ensureTopology(ctx, { queues: ['test'], ackWaitMs: 2_000, replicas: 1, eventsMaxAgeMs: 3_600_000 });
  });
  afterEach(async () => {
    for (const b of beats.splice(0)) await b.stop();
    await ctx.nc.close();
    await nats.stop();
  });

  /** Starts a heartbeat every 100 ms and collects what it publishes, in order. */
  async function beating(gpus: HeartbeatSource['gpus']): Promise<WorkerHeartbeat[]> {
    const id = `hb-${beats.length}`;
    const seen: WorkerHeartbeat[] = [];
    const watch = await buckets.workers.watch({ key: id });
    void (async () => {
      for await (const e of watch as AsyncIterable<KvWatchEntry>) if (e.operation === 'PUT') seen.push(WorkerHeartbeat.parse(e.json()));
    })();
    const hb = new Heartbeat(
      buckets.workers,
      { id, service: 'test', queues: ['test'], concurrency: 1, running: () => [], gpus, tmpDir: '/tmp' },
      100,
    );
    beats.push(hb);
    await hb.start();
    return seen;
  }

  it('each heartbeat carries the GPU stats its probe reads at that beat', async () => {
    let reads = 0;
    const seen = await beating(async () => [gpu(reads++)]);
    await waitUntil(() => seen.length >= 5, { what: 'five heartbeats' });
    const five = seen.slice(0, 5).map((hb) => hb.gpus);
    expect(five).toEqual([0, 1, 2, 3, 4].map((n) => [gpu(n)]));
  });

  it('a GPU probe that fails keeps the last stats it read, and beats go on', async () => {
    let reads = 0;
    const seen = await beating(async () => {
      reads++;
      if (reads === 2 || reads === 3) throw new Error('nvidia-smi failed');
      return [gpu(reads)];
    });
    await waitUntil(() => seen.length >= 4, { what: 'four heartbeats' });
    expect(seen.slice(0, 4).map((hb) => hb.gpus[0]?.utilizationPct)).toEqual([1, 1, 1, 4]);
  });

  it('a GPU probe that never answers does not stop the heartbeat', async () => {
    let reads = 0;
    const seen = await beating(() => (reads++ === 0 ? Promise.resolve([gpu(7)]) : new Promise<GpuInfo[]>(() => {})));
    await waitUntil(() => seen.length >= 4, { what: 'four heartbeats while the probe hangs' });
    expect(seen.slice(0, 4).map((hb) => hb.gpus)).toEqual([[gpu(7)], [gpu(7)], [gpu(7)], [gpu(7)]]);
    // One probe at a time: beats wait on the hung read rather than start another.
    expect(reads).toBe(2);
  });

  it('a fixed GPU list is published as given', async () => {
    const seen = await beating([gpu(3)]);
    await waitUntil(() => seen.length >= 2, { what: 'two heartbeats' });
    expect(seen[1]?.gpus).toEqual([gpu(3)]);
  });
});
