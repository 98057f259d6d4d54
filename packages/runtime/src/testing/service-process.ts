import { type ChildProcess, spawn } from 'node:child_process';

export interface ServiceProcess {
  proc: ChildProcess;
  /** Everything it wrote, stdout and stderr. */
  output(): string;
  /** Resolves when a line matching `pattern` has been written. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a Node entry point (a service's dist/main.js, a test worker) as a real process. */
export function startProcess(entry: string, env: Record<string, string>, args: string[] = []): ServiceProcess {
  const proc = spawn(process.execPath, [entry, ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters) w();
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  return {
    proc,
    output: () => out,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(m[0]);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in output:\n${out.slice(-4000)}`));
        }, timeoutMs);
        // A process that exits before it is ready fails the wait at once, with its output.
        const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
          check();
          if (!waiters.has(check)) return;
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`exited (${signal ?? `code ${code}`}) before writing ${pattern}; output:\n${out.slice(-4000)}`));
        };
        waiters.add(check);
        if (proc.exitCode !== null || proc.signalCode !== null) return onExit(proc.exitCode, proc.signalCode);
        proc.once('exit', onExit);
        check();
      });
    },
    kill(signal = 'SIGTERM') {
      return new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
        proc.once('exit', (code) => resolve(code));
        proc.kill(signal);
      });
    },
  };
}
