import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_QUEUES, type JobRecord, type TaskDefinition } from '@reelay/contracts';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { JobClient } from '../jobs/job-client.js';
import { connectNats, type NatsContext } from '../nats/connection.js';
import { type Buckets, ensureTopology, openArtifacts } from '../nats/topology.js';
import { startNatsServer, type NatsServerHandle } from './nats-server.js';
import { startProcess, type ServiceProcess } from './service-process.js';
import { waitUntil } from './wait-until.js';

export interface TestSystem {
  nats: NatsServerHandle;
  ctx: NatsContext;
  buckets: Buckets;
  client: JobClient;
  artifacts: ArtifactStore;
  processes: ServiceProcess[];
  /** A private temp directory for the test's files (key files, downloads); removed by close(). */
  dir: string;
  /** Starts a service entry (e.g. services/ai/dist/main.js) with NATS_URL set; waits for `ready`. */
  startService(entry: string, env?: Record<string, string>, ready?: RegExp): Promise<ServiceProcess>;
  waitForStatus(id: string, statuses: JobRecord['status'][], timeoutMs?: number): Promise<JobRecord>;
  close(): Promise<void>;
}

/**
 * A real nats-server with Reelay's topology, a connected job client and artifact store,
 * and a way to start service processes against it: what service integration tests need.
 */
export async function startTestSystem(
  options: { queues?: string[]; tasks?: Record<string, TaskDefinition>; ackWaitMs?: number } = {},
): Promise<TestSystem> {
  const nats = await startNatsServer();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-test-system-'));
  const ctx = await connectNats({ url: nats.url, name: 'test-system' });
  const ackWaitMs = options.ackWaitMs ?? 5_000;
  const buckets = await ensureTopology(ctx, {
    queues: options.queues ?? [...DEFAULT_QUEUES],
    ackWaitMs,
    replicas: 1,
    eventsMaxAgeMs: 3_600_000,
  });
  const artifacts = new ArtifactStore(await openArtifacts(ctx));
  const client = new JobClient(ctx, { buckets, ...(options.tasks ? { tasks: options.tasks } : {}) });
  const processes: ServiceProcess[] = [];
  return {
    nats,
    ctx,
    buckets,
    client,
    artifacts,
    processes,
    dir,
    async startService(entry, env = {}, ready = /ready/) {
      const p = startProcess(entry, { NATS_URL: nats.url, ACK_WAIT_MS: String(ackWaitMs), ...env });
      processes.push(p);
      await p.waitFor(ready, 30_000);
      return p;
    },
    waitForStatus(id, statuses, timeoutMs = 60_000) {
      return waitUntil(
        async () => {
          const job = await client.get(id);
          return job && statuses.includes(job.status) ? job : undefined;
        },
        { timeoutMs, intervalMs: 100, what: `job ${id} to reach ${statuses.join('|')}` },
      );
    },
    async close() {
      await Promise.all(processes.map((p) => p.kill('SIGKILL')));
      await ctx.nc.close().catch(() => {});
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
