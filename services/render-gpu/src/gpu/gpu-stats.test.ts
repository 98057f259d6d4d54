import type { GpuInfo } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { gpuStats } from './gpu-stats.js';

const l4 = (utilizationPct: number): GpuInfo => ({
  name: 'NVIDIA L4',
  memoryTotalMiB: 23_034,
  memoryUsedMiB: 100 * utilizationPct,
  utilizationPct,
});

describe('gpuStats', () => {
  it('on a host without GPUs is a fixed empty list and never reads', () => {
    let reads = 0;
    const stats = gpuStats([], async () => {
      reads++;
      return [l4(1)];
    });
    expect(stats).toEqual([]);
    expect(reads).toBe(0);
  });

  it('on a GPU host re-reads utilisation and memory at each call', async () => {
    const readings = [[l4(10)], [l4(55)], [l4(90)]];
    const stats = gpuStats([l4(0)], async () => readings.shift() ?? []);
    if (Array.isArray(stats)) throw new Error('expected a probe');
    expect(await stats()).toEqual([l4(10)]);
    expect(await stats()).toEqual([l4(55)]);
    expect(await stats()).toEqual([l4(90)]);
  });

  it('a read that finds nothing keeps the last GPUs read', async () => {
    const readings = [[l4(40)], []];
    const stats = gpuStats([l4(0)], async () => readings.shift() ?? []);
    if (Array.isArray(stats)) throw new Error('expected a probe');
    expect(await stats()).toEqual([l4(40)]);
    expect(await stats()).toEqual([l4(40)]);
  });
});
