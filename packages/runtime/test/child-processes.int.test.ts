import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRunning } from '../src/testing/process-state.js';
import { waitUntil } from '../src/testing/wait-until.js';
import { type Harness, startHarness } from './harness.js';

describe('child processes of a job', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('a child process does not outlive its worker killed with SIGKILL', async () => {
    const w = await h.startWorker();
    const { job } = await h.client.enqueue({ type: 'test.block', input: { spawnSleep: true } });
    await h.waitForStatus(job.id, ['running']);
    await w.waitFor(/"child_pid":\d+/);
    const childPid = Number(w.output().match(/"child_pid":(\d+)/)?.[1]);
    // The child stays up while its worker lives (the parent-death signal is tied to the
    // thread that spawned it; Node spawns from the main thread, which lives as long as the process).
    await new Promise((r) => setTimeout(r, 1_500));
    expect(isRunning(childPid)).toBe(true);
    await w.kill('SIGKILL');
    await waitUntil(() => !isRunning(childPid), { timeoutMs: 5_000, what: `child ${childPid} to die with its worker` });
  });

  it('a running job that is cancelled still has its child process group killed', async () => {
    const w = await h.startWorker();
    const { job } = await h.client.enqueue({ type: 'test.block', input: { spawnSleep: true } });
    await h.waitForStatus(job.id, ['running']);
    await w.waitFor(/"child_pid":\d+/);
    const childPid = Number(w.output().match(/"child_pid":(\d+)/)?.[1]);
    expect(isRunning(childPid)).toBe(true);
    await h.client.cancel(job.id);
    await h.waitForStatus(job.id, ['cancelled'], 5_000);
    await waitUntil(() => !isRunning(childPid), { timeoutMs: 3_000, what: 'child killed on cancel' });
    // The worker lives on.
    expect(w.proc.exitCode).toBeNull();
  });
});
