import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Attempts' private temp dirs: `<root>/<service>/<pid>-<tag>/<job id>-<attempt>`, made on
 * first use and removed when the attempt ends, whatever its outcome. The pid in the
 * worker's dir name lets a later worker remove what a dead one left behind.
 */
export class TempDirs {
  /** This worker process's dir; attempts' dirs live under it. */
  readonly dir: string;

  constructor(root: string, service: string, tag: string) {
    this.dir = path.join(root, service, `${process.pid}-${tag}`);
  }

  forAttempt(jobId: string, attempt: number): AttemptTempDir {
    return new AttemptTempDir(this.dir, `${jobId}-${attempt}`);
  }

  /** Temp dirs of this service's worker processes that died without cleaning up. */
  async removeStale(): Promise<void> {
    const root = path.dirname(this.dir);
    const entries = await readdir(root).catch(() => [] as string[]);
    for (const name of entries) {
      const pid = Number(name.split('-')[0]);
      if (!Number.isInteger(pid) || isAlive(pid)) continue;
      await rm(path.join(root, name), { recursive: true, force: true }).catch(() => {});
    }
  }
}

/** One attempt's dir: nothing touches the disk unless the handler asks for it. */
export class AttemptTempDir {
  private made: string | undefined;

  constructor(
    private readonly parent: string,
    private readonly name: string,
  ) {}

  /** Whether the handler asked for it (and so there is something to remove). */
  get used(): boolean {
    return this.made !== undefined;
  }

  async path(): Promise<string> {
    if (!this.made) {
      this.made = path.join(this.parent, this.name);
      await mkdir(this.made, { recursive: true });
    }
    return this.made;
  }

  async remove(): Promise<void> {
    if (this.made) await rm(this.made, { recursive: true, force: true }).catch(() => {});
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
