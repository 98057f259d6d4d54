/**
 * A redis-server of the bench's own on 127.0.0.1, on a free port, with a temporary
 * directory — for BullMQ, the peer Reelay is measured against. Two durabilities:
 * `aof` is BullMQ's production setting (append-only file, fsync every second: a crash
 * loses at most about a second of writes), comparable to JetStream's file storage, which
 * writes every message to its file and fsyncs on a timer (2 minutes by default), not per
 * message; `none` keeps everything in memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { trackChild, trackDir } from './exit-cleanup.js';

export type RedisPersistence = 'aof' | 'none';

export interface RedisServerHandle {
  port: number;
  pid: number;
  version: string;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'redis-server not found: run `pnpm bench:peers` (it installs it with apt-get when root) or apt-get install -y redis-server';

/** A port nothing listens on now: bind port 0 on loopback, read it, let it go. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startRedisServer(persistence: RedisPersistence): Promise<RedisServerHandle> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-bench-redis-'));
  const forgetDir = trackDir(dir);
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    // No RDB snapshots in either mode: a background save forking mid-run would measure
    // the snapshot schedule, not the queue. `aof` is the durability BullMQ's docs ask for.
    '--save',
    '',
    '--appendonly',
    persistence === 'aof' ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    // BullMQ requires it (the default, said out loud).
    '--maxmemory-policy',
    'noeviction',
    '--logfile',
    '',
  ];
  const child = trackChild(spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  const version = await readyOrExit(child);
  return {
    port,
    pid: child.pid!,
    version,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          // SIGTERM: redis-server flushes the AOF and exits; nothing here needs keeping.
          child.kill('SIGTERM');
        });
      }
      await rm(dir, { recursive: true, force: true });
      forgetDir();
    },
  };
}

function readyOrExit(child: ChildProcess): Promise<string> {
  let log = '';
  let ready = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start in 15 s:\n${log}`));
    }, 15_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(INSTALL_HINT) : err);
    });
    // Read on after ready (an unread pipe would block the server) but keep nothing.
    const onData = (chunk: Buffer) => {
      if (ready) return;
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve(log.match(/version=([\d.]+)/)?.[1] ?? log.match(/v=([\d.]+)/)?.[1] ?? 'unknown');
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`redis-server exited with ${code}:\n${log}`));
    });
  });
}
