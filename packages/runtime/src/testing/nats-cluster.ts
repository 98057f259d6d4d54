import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { launchNatsServer, natsServerBinary, signalAndWait } from './nats-server.js';
import { waitUntil } from './wait-until.js';

export interface NatsClusterNode {
  /** The server name (`-n`), distinct per node and stable across restarts: Raft remembers it. */
  name: string;
  url: string;
  port: number;
  clusterPort: number;
  /** HTTP monitoring port (`-m`): /healthz, /jsz, /varz. */
  monitorPort: number;
  storeDir: string;
  readonly running: boolean;
  /** SIGKILL this node, keeping its store (a crash). */
  kill(): Promise<void>;
  /** Start this node again on the same ports and store. */
  restart(): Promise<void>;
  /** Its stderr so far (start-up lines and the latest ones). */
  log(): string;
}

export interface NatsClusterHandle {
  nodes: NatsClusterNode[];
  /** Every node's client URL, comma-separated: what NATS_URL takes. */
  url: string;
  node(name: string): NatsClusterNode;
  /** The JetStream meta leader's name, as the running nodes' /jsz report it (undefined while there is none). */
  metaLeader(): Promise<string | undefined>;
  /** Resolves when every running node is healthy and all agree on one meta leader. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Stops every node and deletes the stores. */
  stop(): Promise<void>;
}

/**
 * A real JetStream cluster of `size` nats-server processes on 127.0.0.1, each with its
 * own temporary store and fixed ports, routed to one another: what replicated streams
 * (`STREAM_REPLICAS=3`) and leader failover are tested against. Nodes are killed and
 * restarted one by one; the cluster keeps its ports, so clients given `url` reconnect.
 */
export async function startNatsCluster(options: { size?: number; binary?: string; name?: string } = {}): Promise<NatsClusterHandle> {
  const size = options.size ?? 3;
  const binary = natsServerBinary(options.binary);
  const clusterName = options.name ?? 'reelay-test';
  const root = await mkdtemp(path.join(os.tmpdir(), 'reelay-nats-cluster-'));
  const ports = await freePorts(size * 3);
  const routes = Array.from({ length: size }, (_, i) => `nats://127.0.0.1:${ports[i * 3 + 1]}`).join(',');

  const nodes = await Promise.all(
    Array.from({ length: size }, async (_, i) => {
      const [port, clusterPort, monitorPort] = ports.slice(i * 3, i * 3 + 3) as [number, number, number];
      const name = `n${i + 1}`;
      const storeDir = path.join(root, name);
      await mkdir(storeDir);
      // -a binds client connections and the monitor (-m follows it), --cluster the route
      // listener: all on loopback.
      const args = ['-js', '-n', name, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)];
      args.push('--cluster_name', clusterName, '--cluster', `nats://127.0.0.1:${clusterPort}`, '--routes', routes, '-sd', storeDir);
      let proc: ChildProcess | undefined;
      let log = () => '';
      const launch = async () => {
        const started = await launchNatsServer(binary, args);
        proc = started.child;
        log = started.log;
      };
      const node: NatsClusterNode = {
        name,
        url: `nats://127.0.0.1:${port}`,
        port,
        clusterPort,
        monitorPort,
        storeDir,
        get running() {
          return proc !== undefined && proc.exitCode === null && proc.signalCode === null;
        },
        kill: () => signalAndWait(proc, 'SIGKILL'),
        async restart() {
          await signalAndWait(proc, 'SIGTERM');
          await launch();
        },
        log: () => log(),
      };
      return { node, launch };
    }),
  );

  const handle: NatsClusterHandle = {
    nodes: nodes.map((n) => n.node),
    url: nodes.map((n) => n.node.url).join(','),
    node(name) {
      const found = handle.nodes.find((n) => n.name === name);
      if (!found) throw new Error(`no node ${name} in this cluster (${handle.nodes.map((n) => n.name).join(', ')})`);
      return found;
    },
    async metaLeader() {
      const leaders = await Promise.all(handle.nodes.filter((n) => n.running).map((n) => reportedLeader(n)));
      return leaders.find((l) => l !== undefined);
    },
    async waitReady(timeoutMs = 30_000) {
      await waitUntil(
        async () => {
          const running = handle.nodes.filter((n) => n.running);
          const healthy = await Promise.all(running.map((n) => isHealthy(n)));
          if (!healthy.every(Boolean)) return false;
          const leaders = new Set(await Promise.all(running.map((n) => reportedLeader(n))));
          const [leader] = [...leaders];
          return leaders.size === 1 && leader !== undefined && running.some((n) => n.name === leader);
        },
        { timeoutMs, intervalMs: 200, what: `cluster ${clusterName} to be healthy with one meta leader` },
      );
    },
    async stop() {
      await Promise.all(handle.nodes.map((n) => n.kill()));
      await rm(root, { recursive: true, force: true });
    },
  };

  try {
    await Promise.all(nodes.map((n) => n.launch()));
    await handle.waitReady();
  } catch (err) {
    const logs = handle.nodes.map((n) => `--- ${n.name}\n${n.log().slice(-3_000)}`).join('\n');
    await handle.stop();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  return handle;
}

/** `count` distinct free TCP ports on 127.0.0.1 (all held open until every one is found). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

const monitor = async (node: NatsClusterNode, pathname: string): Promise<Response> =>
  fetch(`http://127.0.0.1:${node.monitorPort}${pathname}`, { signal: AbortSignal.timeout(2_000) });

async function isHealthy(node: NatsClusterNode): Promise<boolean> {
  try {
    return (await monitor(node, '/healthz')).ok;
  } catch {
    return false;
  }
}

async function reportedLeader(node: NatsClusterNode): Promise<string | undefined> {
  try {
    const jsz = (await (await monitor(node, '/jsz')).json()) as { meta_cluster?: { leader?: string } };
    return jsz.meta_cluster?.leader || undefined;
  } catch {
    return undefined;
  }
}
