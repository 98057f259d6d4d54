import { existsSync, readFileSync } from 'node:fs';

/**
 * Whether `pid` is a live process, not a zombie. A process killed after its parent died
 * is reparented to PID 1, and a container's PID 1 may never reap it: `kill(pid, 0)` still
 * succeeds on the corpse, so the state in /proc decides where there is one.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!existsSync('/proc/self/stat')) return true; // no procfs (macOS): kill(pid, 0) decides
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ...": comm may hold spaces and parentheses; the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).charAt(0) !== 'Z';
  } catch {
    return false; // gone between the two looks
  }
}
