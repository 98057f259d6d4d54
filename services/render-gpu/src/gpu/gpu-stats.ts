import type { GpuInfo } from '@reelay/contracts';
import { probeGpus } from '@reelay/runtime';

/**
 * The GPUs a render-gpu heartbeat carries. With none found at start-up (or MEDIA_GPU=off)
 * the list is fixed and nvidia-smi never runs again; with some, each beat re-reads their
 * utilisation and memory. A read that comes back empty keeps the last list: a GPU does
 * not leave a running host, but nvidia-smi can fail or time out.
 */
export function gpuStats(found: GpuInfo[], read: () => Promise<GpuInfo[]> = probeGpus): GpuInfo[] | (() => Promise<GpuInfo[]>) {
  if (found.length === 0) return [];
  let last = found;
  return async () => {
    const now = await read();
    if (now.length > 0) last = now;
    return last;
  };
}
