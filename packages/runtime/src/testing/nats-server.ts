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
  /** SIGSTOP the server: connections stay open, nothing is answered until `resume()`. */
  pause(): void;
  /** SIGCONT a paused server. */
  resume(): void;
  /** Stop and delete the store. */
  stop(): Promise<void>;
}

/**
 * A real `nats-server -js` on 127.0.0.1, on a free port, with a temporary store: what
 * every integration test runs against. Never a mock.
 */
export async function startNatsServer(options: { binary?: string } = {}): Promise<NatsServerHandle> {
  const binary = natsServerBinary(options.binary);
  const storeDir = await mkdtemp(path.join(os.tmpdir(), 'reelay-nats-'));
  let proc: ChildProcess | undefined;

  const launch = async (fixedPort?: number): Promise<number> => {
    const started = await launchNatsServer(binary, ['-js', '-a', '127.0.0.1', '-p', String(fixedPort ?? -1), '-sd', storeDir]);
    proc = started.child;
    return started.port;
  };

  let port = await launch();
  return {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    storeDir,
    kill: () => signalAndWait(proc, 'SIGKILL'),
    async restart() {
      await signalAndWait(proc, 'SIGTERM');
      port = await launch(port);
    },
    pause: () => void proc?.kill('SIGSTOP'),
    resume: () => void proc?.kill('SIGCONT'),
    async stop() {
      await signalAndWait(proc, 'SIGTERM');
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

// ---- pieces shared with the cluster fixture (nats-cluster.ts) ----

/** The nats-server to run: the option, then NATS_SERVER_BIN, then `nats-server` on PATH. */
export function natsServerBinary(binary?: string): string {
  return binary ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
}

/**
 * Spawns nats-server with `args` and resolves once it logged "Server is ready", with the
 * client port it listens on (so `-p -1` works). Rejects if it exits first or takes 15 s.
 */
export function launchNatsServer(binary: string, args: string[]): Promise<{ child: ChildProcess; port: number; log: () => string }> {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server did not start in 15 s:\n${log}`));
    }, 15_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(`${binary} not found: install it (apt-get install nats-server) or set NATS_SERVER_BIN`)
          : err,
      );
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      // Keep the start-up lines and the latest ones: enough to say why a node failed.
      log = log.length > 64_000 ? log.slice(0, 16_000) + log.slice(-32_000) + chunk.toString() : log + chunk.toString();
      const m = log.match(/Listening for client connections on [\d.]+:(\d+)/);
      if (m && log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), log: () => log });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${log}`));
    });
  });
}

/** Sends `signal` and resolves when the process has exited (at once if it already has). */
export async function signalAndWait(proc: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill(signal);
  });
}
