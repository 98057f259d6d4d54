/**
 * What the bench must undo however it ends — normal exit, an error, or a signal: servers
 * and workers it started, temporary directories it made. Each `finally` in the bench
 * undoes its own; this is the net under them for a signal or a crash.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const kills = new Set<() => void>();
const dirs = new Set<string>();

/** Kills `child` with SIGKILL if the bench ends while it runs. */
export function trackChild(child: ChildProcess): ChildProcess {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  kills.add(kill);
  child.once('exit', () => kills.delete(kill));
  return child;
}

/**
 * For a process the bench holds only a handle to (the nats-server fixture): `kill` must
 * send its signal synchronously. Returns the function that forgets it.
 */
export function trackKill(kill: () => void): () => void {
  kills.add(kill);
  return () => kills.delete(kill);
}

/** Removes `dir` if the bench ends before it does. Returns the function that forgets it. */
export function trackDir(dir: string): () => void {
  dirs.add(dir);
  return () => dirs.delete(dir);
}

/** Synchronous, so it also runs from `process.on('exit')`. */
function cleanUpNow(): void {
  for (const kill of kills) kill();
  kills.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

let installed = false;

/**
 * Installs the handlers once. On SIGINT/SIGTERM it kills what is left, removes the
 * directories and exits 130/143. (Ctrl-C also reaches the servers and workers directly:
 * they share the bench's process group.)
 */
export function installExitCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the servers and workers, removing their directories\n`);
      cleanUpNow();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}
