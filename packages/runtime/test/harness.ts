import { fileURLToPath } from 'node:url';
import type { JobRecord } from '@reelay/contracts';
import { connectNats, type NatsContext } from '../src/nats/connection.js';
import { type Buckets, ensureTopology } from '../src/nats/topology.js';
import { JobClient } from '../src/jobs/job-client.js';
import { startNatsServer, type NatsServerHandle } from '../src/testing/nats-server.js';
import { startProcess, type ServiceProcess } from '../src/testing/service-process.js';
import { testTasks } from '../src/testing/test-tasks.js';
import { waitUntil } from '../src/testing/wait-until.js';

export const TEST_WORKER = fileURLToPath(new URL('../dist/testing/test-worker.js', import.meta.url));

export interface Harness {
  nats: NatsServerHandle;
  ctx: NatsContext;
  buckets: Buckets;
  client: JobClient;
  workers: ServiceProcess[];
  startWorker(env?: Record<string, string>): Promise<ServiceProcess>;
  waitForStatus(id: string, statuses: JobRecord['status'][], timeoutMs?: number): Promise<JobRecord>;
  close(): Promise<void>;
}

/** `ackWaitMs`: 2 s keeps most tests short; the retry-timing tests use the default 30 s. */
export async function startHarness(options: { ackWaitMs?: number } = {}): Promise<Harness> {
  const ackWaitMs = options.ackWaitMs ?? 2_000;
  const nats = await startNatsServer();
  const ctx = await connectNats({ url: nats.url, name: 'test-client' });
  const buckets = await ensureTopology(ctx, { queues: ['test', 'system'], ackWaitMs, replicas: 1, eventsMaxAgeMs: 3_600_000 });
  const client = new JobClient(ctx, { buckets, tasks: testTasks });
  const workers: ServiceProcess[] = [];
  return {
    nats,
    ctx,
    buckets,
    client,
    workers,
    async startWorker(env = {}) {
      const w = startProcess(TEST_WORKER, { NATS_URL: nats.url, ACK_WAIT_MS: String(ackWaitMs), SHUTDOWN_GRACE_MS: '5000', ...env });
      workers.push(w);
      await w.waitFor(/test worker ready/);
      return w;
    },
    waitForStatus(id, statuses, timeoutMs = 30_000) {
      return waitUntil(
        async () => {
          const job = await client.get(id);
          return job && statuses.includes(job.status) ? job : undefined;
        },
        { timeoutMs, what: `job ${id} to reach ${statuses.join('|')}` },
      );
    },
    async close() {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
      await ctx.nc.close();
      await nats.stop();
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
