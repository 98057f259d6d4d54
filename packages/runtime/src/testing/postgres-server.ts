import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { signalAndWait } from './nats-server.js';

const run = promisify(execFile);

export interface PostgresServerHandle {
  /** postgres://reelay@127.0.0.1:<port>/postgres (trust auth, no password). */
  url: string;
  port: number;
  dataDir: string;
  /** A URL for a fresh database of this name, created on first call. */
  createDatabase(name: string): Promise<string>;
  /** Stop (fast shutdown) and delete the data directory. */
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL on 127.0.0.1, on a free port, with a temporary data directory: the
 * job store's tests run against it as they run against nats-server. Debian installs the
 * server under /usr/lib/postgresql/<version>/bin, off PATH; POSTGRES_BIN_DIR overrides.
 * PostgreSQL refuses to run as root, so under root initdb and postgres run as the
 * `postgres` system user (setpriv, no intermediate process) and the directory is theirs.
 */
export async function startPostgresServer(
  options: {
    binDir?: string;
    /** Keep PostgreSQL's durability settings (fsync, synchronous commit): benchmarks. Off for tests. */
    durable?: boolean;
  } = {},
): Promise<PostgresServerHandle> {
  const binDir = postgresBinDir(options.binDir);
  const root = await mkdtemp(path.join(os.tmpdir(), 'reelay-pg-'));
  const dataDir = path.join(root, 'data');
  const socketDir = path.join(root, 'sock');
  await mkdir(dataDir, { mode: 0o700 });
  await mkdir(socketDir);
  const asUser: string[] = [];
  if (process.getuid?.() === 0) {
    const { uid, gid } = systemUser('postgres');
    for (const p of [root, dataDir, socketDir]) await chown(p, uid, gid);
    asUser.push('setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--');
  }
  const command = (bin: string, args: string[]): [string, string[]] => {
    const full = path.join(binDir, bin);
    return asUser.length ? [asUser[0] as string, [...asUser.slice(1), full, ...args]] : [full, args];
  };
  try {
    await run(...command('initdb', ['-D', dataDir, '-U', 'reelay', '-A', 'trust', '-E', 'UTF8', '--no-sync']));
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`);
  }
  const port = await freePort();
  // Durability settings off unless asked for: a test database, thrown away after.
  const fast = options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  const [bin, args] = command('postgres', [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    socketDir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=100',
    ...fast,
  ]);
  let proc: ChildProcess;
  try {
    proc = await launch(bin, args);
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  const urlFor = (db: string) => `postgres://reelay@127.0.0.1:${port}/${db}`;
  const created = new Set<string>();
  return {
    url: urlFor('postgres'),
    port,
    dataDir,
    async createDatabase(name) {
      if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${name}`);
      if (!created.has(name)) {
        await run(path.join(binDir, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'reelay', name]);
        created.add(name);
      }
      return urlFor(name);
    },
    async stop() {
      // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to leave.
      await signalAndWait(proc, 'SIGINT');
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** POSTGRES_BIN_DIR, or the newest /usr/lib/postgresql/<version>/bin. */
export function postgresBinDir(binDir?: string): string {
  const given = binDir ?? process.env.POSTGRES_BIN_DIR;
  if (given) return given;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(path.join(base, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error('PostgreSQL not found: install it (apt-get install postgresql) or set POSTGRES_BIN_DIR');
  return path.join(base, versions[0], 'bin');
}

function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error(`running as root needs the ${name} system user (Debian's postgresql package creates it)`);
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Spawns postgres and resolves once it accepts connections; rejects if it exits first or takes 30 s. */
function launch(bin: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`postgres did not start in 30 s:\n${log}`));
    }, 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (log.length < 64_000) log += chunk.toString();
      if (log.includes('ready to accept connections')) {
        clearTimeout(timer);
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited with ${code}:\n${log}`));
    });
  });
}
