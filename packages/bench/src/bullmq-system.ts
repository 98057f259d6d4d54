/**
 * BullMQ as the peer benchmark runs it: its own redis-server (redis-server.ts), a Queue
 * (and, for latency, a QueueEvents) in the bench process, workers in processes of their
 * own (bullmq-worker.ts). A fresh queue name per run, so no run sees another's jobs.
 */
import { createRequire } from 'node:module';
import { Queue, QueueEvents } from 'bullmq';
import { BULLMQ_STAMP_JOB } from './monotonic-clock.js';
import { JobTimes } from './job-times.js';
import { type BenchQueue, jobInput, type QueueSystem } from './queue-system.js';
import { type RedisPersistence, startRedisServer } from './redis-server.js';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions, workerEntry } from './worker-process.js';

export const bullmqVersion: string = createRequire(import.meta.url)('bullmq/package.json').version;

export async function startBullmq(options: {
  persistence: RedisPersistence;
  payloadBytes: number;
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
      // BullMQ's defaults otherwise: its event stream trimmed to ~10,000 entries, more
      // than a latency run writes, and completed jobs kept.
      const queue = new Queue(name, { connection });
      await queue.waitUntilReady();
      let events: QueueEvents | undefined;
      let times: JobTimes | undefined;
      const mine = new Set<WorkerProcess>();
      return {
        async doneCount() {
          return await queue.getCompletedCount();
        },
        async watch() {
          if (times) return times;
          times = new JobTimes();
          const t = times;
          // From the stream's start: the queue is new, so nothing is missed or seen twice.
          events = new QueueEvents(name, { connection, lastEventId: '0-0' });
          events.on('active', ({ jobId }) => t.markStarted(jobId));
          events.on('completed', ({ jobId, returnvalue }) => {
            if (typeof returnvalue === 'number') t.markHandlerStarted(jobId, returnvalue);
            t.markDone(jobId);
          });
          await events.waitUntilReady();
          return t;
        },
        async submitBatch(count) {
          await queue.addBulk(Array.from({ length: count }, () => ({ name: 'noop', data })));
        },
        async submitOne() {
          const job = await queue.add(BULLMQ_STAMP_JOB, data);
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
          await events?.close();
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
