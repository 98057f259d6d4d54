import os from 'node:os';
import type { KV } from '@nats-io/kv';
import type { GpuInfo, WorkerHeartbeat } from '@reelay/contracts';
import { cpuLoad1, diskFreeBytes } from './host-stats.js';

export interface HeartbeatSource {
  id: string;
  service: string;
  queues: string[];
  concurrency: number;
  running: () => string[];
  gpus: () => GpuInfo[];
  encoders?: string[];
  tmpDir: string;
}

/**
 * Puts this worker's heartbeat in KV `workers` every `intervalMs`. The bucket's TTL
 * (15 s) removes the entry when the process dies without saying goodbye.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly kv: KV,
    private readonly source: HeartbeatSource,
    private readonly intervalMs = 5_000,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => {}), this.intervalMs);
    this.timer.unref();
  }

  async beat(): Promise<void> {
    const s = this.source;
    const hb: WorkerHeartbeat = {
      id: s.id,
      service: s.service,
      host: os.hostname(),
      pid: process.pid,
      queues: s.queues,
      concurrency: s.concurrency,
      running: s.running(),
      startedAt: this.startedAt,
      at: new Date().toISOString(),
      cpuLoad1: cpuLoad1(),
      memoryRssBytes: process.memoryUsage.rss(),
      memoryFreeBytes: os.freemem(),
      gpus: s.gpus(),
    };
    const disk = await diskFreeBytes(s.tmpDir);
    if (disk !== undefined) hb.diskFreeBytes = disk;
    if (s.encoders) hb.encoders = s.encoders;
    await this.kv.put(s.id, JSON.stringify(hb));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.kv.delete(this.source.id).catch(() => {});
  }
}
