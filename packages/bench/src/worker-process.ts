/**
 * Runs a system's worker in a process of its own, so that it never shares an event loop
 * with the bench that submits and watches: the worker entry (reelay-worker.ts,
 * bullmq-worker.ts) starts taking jobs at once and sends `{ ready: true }` over IPC.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trackChild } from './exit-cleanup.js';

export interface WorkerProcess {
  pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface WorkerProcessOptions {
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=…`. */
  execArgv?: string[];
}

export function workerEntry(name: 'reelay-worker' | 'bullmq-worker'): string {
  return fileURLToPath(new URL(`./${name}.js`, import.meta.url));
}

export async function startWorkerProcess(entry: string, args: string[], options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const child = trackChild(fork(entry, args, { execArgv: options.execArgv ?? [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${entry} not ready in 30 s:\n${output}`)), 30_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker ${entry} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  return {
    pid: child.pid!,
    stop(graceMs = 10_000) {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}
