/**
 * BullMQ as the peer benchmark runs it: its own redis-server (redis-server.ts), a Queue
 * and a QueueEvents in the bench process, workers in processes of their own
 * (bullmq-worker.ts). A fresh queue name per run, so no run sees another's jobs.
 */
import { createRequire } from 'node:module';
import { Queue, QueueEvents } from 'bullmq';
import { JobTimes } from './job-times.js';
import { type BenchQueue, jobInput, type QueueSystem } from './queue-system.js';
import { type RedisPersistence, startRedisServer } from './redis-server.js';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions, workerEntry } from './worker-process.js';

export const bullmqVersion: string = createRequire(import.meta.url)('bullmq/package.json').version;

export async function startBullmq(options: {
  persistence: RedisPersistence;
  payloadBytes: number;
  /** Jobs a run submits at most: the event stream keeps that many runs' events. */
  jobsPerRun: number;
  worker?: WorkerProcessOptions;
}): Promise<QueueSystem> {
  const redis = await startRedisServer(options.persistence);
  const connection = { host: '127.0.0.1', port: redis.port };
  const workers = new Set<WorkerProcess>();
  const data = jobInput(options.payloadBytes);
  let runs = 0;
  return {
    id: options.persistence === 'aof' ? 'bullmq-aof' : 'bullmq-none',
    description: `BullMQ ${bullmqVersion}, redis-server ${redis.version} (${options.persistence === 'aof' ? 'appendonly yes, appendfsync everysec' : 'no persistence'})`,
    pids: () => [redis.pid, ...[...workers].map((w) => w.pid)],
    async openQueue(): Promise<BenchQueue> {
      const name = `bench-${++runs}`;
      // BullMQ trims its event stream to ~10,000 entries by default; at tens of thousands
      // of events a second an observer a moment behind would lose some. Keep them all.
      const queue = new Queue(name, { connection, streams: { events: { maxLen: options.jobsPerRun * 4 + 10_000 } } });
      // From the stream's start: the queue is new, so nothing is replayed twice or missed.
      const events = new QueueEvents(name, { connection, lastEventId: '0-0' });
      const times = new JobTimes();
      events.on('active', ({ jobId }) => times.markStarted(jobId));
      events.on('completed', ({ jobId }) => times.markDone(jobId));
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      const mine = new Set<WorkerProcess>();
      return {
        times,
        async submitBatch(count) {
          await queue.addBulk(Array.from({ length: count }, () => ({ name: 'noop', data })));
        },
        async submitOne() {
          const job = await queue.add('noop', data);
          return job.id!;
        },
        async startWorker(concurrency) {
          const worker = await startWorkerProcess(
            workerEntry('bullmq-worker'),
            [String(redis.port), name, String(concurrency)],
            options.worker,
          );
          workers.add(worker);
          mine.add(worker);
          return worker;
        },
        async close() {
          await Promise.all([...mine].map((w) => w.stop()));
          for (const w of mine) workers.delete(w);
          await events.close();
          await queue.close();
        },
      };
    },
    async close() {
      await Promise.all([...workers].map((w) => w.stop()));
      await redis.stop();
    },
  };
}
