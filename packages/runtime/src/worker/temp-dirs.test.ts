import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TempDirs } from './temp-dirs.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'reelay-temp-dirs-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('attempt temp dirs', () => {
  it('a dir is made only when the handler asks, under the worker’s own dir, and removed at the end', async () => {
    const dirs = new TempDirs(root, 'svc', 'ab12');
    const dir = dirs.forAttempt('job-1', 2);
    expect(dir.used).toBe(false);
    const made = await dir.path();
    expect(made).toBe(path.join(root, 'svc', `${process.pid}-ab12`, 'job-1-2'));
    expect(await exists(made)).toBe(true);
    expect(await dir.path()).toBe(made);
    await dir.remove();
    expect(await exists(made)).toBe(false);
  });

  it('an attempt that never asked for a dir leaves nothing on disk', async () => {
    const dirs = new TempDirs(root, 'svc', 'ab12');
    await dirs.forAttempt('job-1', 1).remove();
    expect(await exists(path.join(root, 'svc'))).toBe(false);
  });

  it('at start, the dirs of dead worker processes are removed and live ones kept', async () => {
    const dirs = new TempDirs(root, 'svc', 'ab12');
    // A pid far above any pid_max is never a live process.
    const dead = path.join(root, 'svc', '999999999-dead');
    const live = path.join(root, 'svc', `${process.pid}-live`);
    const foreign = path.join(root, 'svc', 'not-a-worker');
    for (const d of [dead, live, foreign]) await mkdir(d, { recursive: true });
    await dirs.removeStale();
    expect((await readdir(path.join(root, 'svc'))).sort()).toEqual([`${process.pid}-live`, 'not-a-worker']);
  });
});
