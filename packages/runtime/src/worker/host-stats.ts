import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import type { GpuInfo } from '@reelay/contracts';

const run = promisify(execFile);

/** GPUs as `nvidia-smi` reports them; none when the tool is missing or fails. */
export async function probeGpus(): Promise<GpuInfo[]> {
  try {
    const { stdout } = await run(
      'nvidia-smi',
      ['--query-gpu=name,memory.total,memory.used,utilization.gpu', '--format=csv,noheader,nounits'],
      { timeout: 5_000 },
    );
    return stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name, total, used, util] = line.split(',').map((s) => s.trim());
        return {
          name: name ?? 'gpu',
          memoryTotalMiB: Number(total),
          memoryUsedMiB: Number(used),
          utilizationPct: Number(util),
        };
      });
  } catch {
    return [];
  }
}

export async function diskFreeBytes(path: string): Promise<number | undefined> {
  try {
    const s = await statfs(path);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

export function cpuLoad1(): number {
  return os.loadavg()[0] ?? 0;
}
