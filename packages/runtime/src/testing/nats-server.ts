import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface NatsServerHandle {
  url: string;
  port: number;
  storeDir: string;
  /** SIGKILL the server, keeping its store (a crash). */
  kill(): Promise<void>;
  /** Start again on the same port and store. */
  restart(): Promise<void>;
  /** Stop and delete the store. */
  stop(): Promise<void>;
}

/**
 * A real `nats-server -js` on 127.0.0.1, on a free port, with a temporary store: what
 * every integration test runs against. Never a mock.
 */
export async function startNatsServer(options: { binary?: string } = {}): Promise<NatsServerHandle> {
  const binary = options.binary ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
  const storeDir = await mkdtemp(path.join(os.tmpdir(), 'reelay-nats-'));
  let port = 0;
  let proc: ChildProcess | undefined;

  const launch = async (fixedPort?: number): Promise<number> => {
    const args = ['-js', '-a', '127.0.0.1', '-p', String(fixedPort ?? -1), '-sd', storeDir];
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    proc = child;
    return new Promise<number>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`nats-server did not start in 15 s:\n${log}`)), 15_000);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? new Error(`${binary} not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN`)
            : err,
        );
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const m = log.match(/Listening for client connections on [\d.]+:(\d+)/);
        if (m && log.includes('Server is ready')) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code}:\n${log}`));
      });
    });
  };

  const exited = async (signal: NodeJS.Signals) => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  };

  port = await launch();
  return {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    storeDir,
    kill: () => exited('SIGKILL'),
    async restart() {
      await exited('SIGTERM');
      port = await launch(port);
    },
    async stop() {
      await exited('SIGTERM');
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
