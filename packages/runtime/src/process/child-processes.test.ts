import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../testing/process-state.js';
import { ChildProcesses } from './child-processes.js';

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) => {
    let stdout = '';
    child.stdout?.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.once('close', (code, signal) => resolve({ code, signal, stdout }));
  });

describe('ChildProcesses', () => {
  it('runs the command with its arguments and reports the pid of the command itself', async () => {
    const children = new ChildProcesses();
    const child = children.spawn('sh', ['-c', 'echo "$$ $0 $1"', 'zero', 'one two']);
    const { code, stdout } = await exited(child);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`${child.pid} zero one two`);
  });

  it('a command that does not exist fails with an error event, as a direct spawn does', async () => {
    const children = new ChildProcesses();
    const child = children.spawn('reelay-no-such-command', []);
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
    expect(err.code).toBe('ENOENT');
    expect(children.size).toBe(0);
  });

  it('a relative command resolves against the cwd given', async () => {
    const children = new ChildProcesses();
    const { code } = await exited(children.spawn('./sh', ['-c', 'exit 3'], { cwd: '/bin' }));
    expect(code).toBe(3);
  });

  it('killAll kills each child and what it started', async () => {
    const children = new ChildProcesses();
    const child = children.spawn('sh', ['-c', 'sleep 60 & echo $!; wait']);
    const grandchild = await new Promise<number>((resolve) => child.stdout?.once('data', (b: Buffer) => resolve(Number(b.toString()))));
    const done = exited(child);
    children.killAll();
    expect((await done).signal).toBe('SIGKILL');
    await expect.poll(() => isRunning(grandchild), { timeout: 3_000 }).toBe(false);
    expect(children.size).toBe(0);
  });
});
