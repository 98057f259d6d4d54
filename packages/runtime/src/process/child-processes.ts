import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';

/**
 * Child processes of one job, each in its own process group so that killing the group
 * also kills whatever the child started (ffmpeg's helpers, a shell's children).
 */
export class ChildProcesses {
  private readonly children = new Set<ChildProcess>();

  spawn(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
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
