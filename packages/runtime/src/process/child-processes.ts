import { type ChildProcess, spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Child processes of one job, each in its own process group so that killing the group
 * also kills whatever the child started (ffmpeg's helpers, a shell's children), and each
 * tied to its worker's life so that a worker killed with SIGKILL leaves none behind.
 *
 * On Linux a child starts through util-linux `setpriv --pdeathsig KILL -- cmd args`:
 * setpriv sets the parent-death signal and execs the command (same pid), so the kernel
 * kills the child when the worker dies, however it dies. The signal is tied to the
 * thread that forked: libuv forks from the thread that calls `spawn`, here the main
 * thread, which lives as long as the process (a `worker_threads` thread would not).
 * Where setpriv is missing (macOS, a minimal image) children start directly and the
 * first spawn says so once; killAll and killGroup work the same either way.
 *
 * Not covered: the grandchildren of a child (they are in its group, and the group dies
 * on cancel and hard limit, not on a worker's SIGKILL), and a worker that dies in the
 * microseconds between fork and setpriv's prctl.
 */
export class ChildProcesses {
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly options: ChildProcessesOptions = {}) {}

  spawn(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const full: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true };
    const tied = options.shell ? undefined : tiedToParent(command, args, full, this.options.log);
    const child = tied ? spawn(tied.command, tied.args, full) : spawn(command, args, full);
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    child.once('error', () => this.children.delete(child));
    return child;
  }

  get size(): number {
    return this.children.size;
  }

  /** SIGKILL to every live child's process group. */
  killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
    for (const child of this.children) killGroup(child, signal);
  }
}

export interface ChildProcessesOptions {
  /** Where the one-time "children are not tied to this process" warning goes. */
  log?: { warn(obj: object, msg: string): void };
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

let setpriv: string | null | undefined;
let warned = false;

function setprivPath(): string | undefined {
  if (setpriv === undefined) {
    setpriv = null;
    if (process.platform === 'linux') {
      const found = resolveExecutable('setpriv', process.env.PATH, process.cwd());
      // util-linux before 2.33 (and other setprivs) lack --pdeathsig: try it once.
      if (found && spawnSync(found, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore', timeout: 5_000 }).status === 0) {
        setpriv = found;
      }
    }
  }
  return setpriv ?? undefined;
}

/**
 * The setpriv command line for `command`, or undefined to spawn it directly. A command
 * that does not resolve to an executable is spawned directly so that it fails the way
 * Node reports it (an `error` event with ENOENT), not as setpriv's exit status 127.
 */
function tiedToParent(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
  log: ChildProcessesOptions['log'],
): { command: string; args: string[] } | undefined {
  const wrapper = setprivPath();
  if (!wrapper) {
    if (!warned) {
      warned = true;
      const msg = 'setpriv --pdeathsig is unavailable: child processes can outlive a worker killed with SIGKILL';
      if (log) log.warn({ platform: process.platform }, msg);
      else process.emitWarning(msg, { code: 'REELAY_NO_PDEATHSIG' });
    }
    return undefined;
  }
  // PATH as spawn itself would search it (the child's env, else ours): not configuration.
  const cwd = typeof options.cwd === 'string' ? options.cwd : options.cwd ? options.cwd.pathname : process.cwd();
  const resolved = resolveExecutable(command, options.env?.PATH ?? process.env.PATH, cwd);
  if (!resolved) return undefined;
  return { command: wrapper, args: ['--pdeathsig', 'KILL', '--', resolved, ...args] };
}

/** What execvp would run for `command`: a path as given (against `cwd`), else the first hit on PATH. */
function resolveExecutable(command: string, searchPath: string | undefined, cwd: string): string | undefined {
  const candidates = command.includes('/')
    ? [path.resolve(cwd, command)]
    : (searchPath ?? '').split(path.delimiter).map((dir) => path.resolve(cwd, dir || '.', command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
