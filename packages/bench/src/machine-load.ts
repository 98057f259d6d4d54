/**
 * How busy the machine is, from /proc: waiting for a quiet machine before a run, and
 * telling afterwards how much CPU other processes took during it. Linux only; on other
 * systems every run counts as quiet and undisturbed (and the bench says so).
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** /proc/stat and /proc/<pid>/stat count in USER_HZ, which Linux fixes at 100 for user space. */
const TICKS_PER_S = 100;

interface CpuTotals {
  /** user + nice + system: time some process ran. */
  busy: number;
  /** irq + softirq: mostly the loopback traffic of the bench itself, charged to no process. */
  irq: number;
  idle: number;
  steal: number;
}

export const procAvailable = (() => {
  try {
    readFileSync('/proc/stat');
    return true;
  } catch {
    return false;
  }
})();

function cpuTotals(): CpuTotals {
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number) as number[];
  return { busy: user! + nice! + system!, irq: irq! + softirq!, idle: idle! + iowait!, steal: steal ?? 0 };
}

/** utime + stime of a live process, all its threads; 0 when it is gone. */
function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export interface QuietWait {
  quiet: boolean;
  /** Idle share of all CPUs over the last one-second sample, 0–1. */
  idle: number;
  waitedMs: number;
}

/**
 * Samples the CPUs for `sampleMs` at a time until they are at least `minIdle` idle, or
 * `maxWaitMs` has passed (then `quiet` is false and the caller decides).
 */
export async function waitForQuietMachine(options: { minIdle: number; maxWaitMs: number; sampleMs?: number }): Promise<QuietWait> {
  const sampleMs = options.sampleMs ?? 1_000;
  const started = performance.now();
  if (!procAvailable) return { quiet: true, idle: Number.NaN, waitedMs: 0 };
  for (;;) {
    const a = cpuTotals();
    await new Promise((r) => setTimeout(r, sampleMs));
    const b = cpuTotals();
    const total = b.busy - a.busy + (b.irq - a.irq) + (b.idle - a.idle) + (b.steal - a.steal);
    const idle = total > 0 ? (b.idle - a.idle) / total : 1;
    const waitedMs = performance.now() - started;
    if (idle >= options.minIdle) return { quiet: true, idle, waitedMs };
    if (waitedMs >= options.maxWaitMs) return { quiet: false, idle, waitedMs };
  }
}

export interface CpuAccount {
  elapsedMs: number;
  /** CPU the bench's own processes (bench, worker, server) used, in cores (1 = one core busy the whole run). */
  ownCores: number;
  /** CPU every other process used meanwhile, kernel threads included, in cores. */
  otherCores: number;
  /** Interrupt handling, charged to no process (not counted as other load), in cores. */
  irqCores: number;
  /** Time the hypervisor gave our virtual CPUs to someone else, in cores. */
  stealCores: number;
  cpus: number;
}

/**
 * Opens a window over a run. `pids` is asked at the start and at the end, so a worker
 * process started during the run is counted (from zero: it did not exist before).
 */
export function openCpuWindow(pids: () => number[]): { close(): CpuAccount } {
  const t0 = performance.now();
  if (!procAvailable) {
    return {
      close: () => ({
        elapsedMs: performance.now() - t0,
        ownCores: Number.NaN,
        otherCores: 0,
        irqCores: 0,
        stealCores: 0,
        cpus: os.cpus().length,
      }),
    };
  }
  const start = new Map(pids().map((pid) => [pid, processTicks(pid)]));
  const totals0 = cpuTotals();
  return {
    close() {
      let own = 0;
      for (const pid of new Set([...start.keys(), ...pids()])) own += processTicks(pid) - (start.get(pid) ?? 0);
      const totals1 = cpuTotals();
      const elapsedMs = performance.now() - t0;
      const busy = totals1.busy - totals0.busy;
      const perCore = (ticks: number) => ticks / TICKS_PER_S / (elapsedMs / 1_000);
      return {
        elapsedMs,
        ownCores: perCore(own),
        otherCores: perCore(Math.max(0, busy - own)),
        irqCores: perCore(totals1.irq - totals0.irq),
        stealCores: perCore(totals1.steal - totals0.steal),
        cpus: os.cpus().length,
      };
    },
  };
}

/**
 * Processes whose command line contains `fragment` (NUL separators read as spaces):
 * how the bench finds the nats-server the fixture started, by its unique store path.
 */
export function pidsByCommandLine(fragment: string): number[] {
  if (!procAvailable) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(fragment)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** A process and every live descendant of it (by the parent pid in /proc/<pid>/stat). */
export function processTree(rootPid: number): number[] {
  if (!procAvailable) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree: number[] = [];
  for (const queue = [rootPid]; queue.length > 0; ) {
    const pid = queue.pop() as number;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}
