import os from 'node:os';
import type { KV } from '@nats-io/kv';
import type { GpuInfo, WorkerHeartbeat, WorkerState } from '@reelay/contracts';
import { cpuLoad1, diskFreeBytes } from './host-stats.js';

export interface HeartbeatSource {
  id: string;
  service: string;
  queues: string[];
  tasks?: string[];
  concurrency: number;
  running: () => string[];
  /**
   * The GPUs and their live stats: a fixed list, or a probe read at every beat (a host
   * without GPUs passes a list, so nothing spawns nvidia-smi there). A sync function is
   * accepted for callers that hand back a list they hold.
   */
  gpus: GpuInfo[] | (() => GpuInfo[] | Promise<GpuInfo[]>);
  encoders?: string[];
  tmpDir: string;
  /** Shown in the heartbeat: `draining` once it takes no new jobs. */
  state?: () => WorkerState;
}

/**
 * Puts this worker's heartbeat in KV `workers` every `intervalMs`. The bucket's TTL
 * (15 s) removes the entry when the process dies without saying goodbye.
 *
 * GPU stats (utilisation, memory used) are read at each beat. A read that fails keeps
 * the last stats; one that takes longer than an interval is not waited for (the beat
 * goes out with the last stats) and not started again until it answers, so a hung
 * nvidia-smi neither silences the worker nor piles up processes.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date().toISOString();
  /** The beat the timer started, while it runs. */
  private current: Promise<void> | undefined;
  private stopped = false;
  private gpus: GpuInfo[] = [];
  private gpuRead: Promise<void> | undefined;

  constructor(
    private readonly kv: KV,
    private readonly source: HeartbeatSource,
    private readonly intervalMs = 5_000,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      // A beat still waiting on KV, the disk or the GPUs is not doubled: the next one follows it.
      if (this.current) return;
      this.current = this.beat()
        .catch(() => {})
        .finally(() => {
          this.current = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async beat(): Promise<void> {
    const s = this.source;
    const gpus = await this.readGpus();
    const hb: WorkerHeartbeat = {
      id: s.id,
      service: s.service,
      host: os.hostname(),
      pid: process.pid,
      queues: s.queues,
      ...(s.tasks ? { tasks: s.tasks } : {}),
      concurrency: s.concurrency,
      running: s.running(),
      startedAt: this.startedAt,
      at: new Date().toISOString(),
      cpuLoad1: cpuLoad1(),
      memoryRssBytes: process.memoryUsage.rss(),
      memoryFreeBytes: os.freemem(),
      gpus,
    };
    const disk = await diskFreeBytes(s.tmpDir);
    if (disk !== undefined) hb.diskFreeBytes = disk;
    if (s.encoders) hb.encoders = s.encoders;
    if (s.state) hb.state = s.state();
    if (this.stopped) return; // stop() has removed the entry: do not bring it back
    await this.kv.put(s.id, JSON.stringify(hb));
  }

  private async readGpus(): Promise<GpuInfo[]> {
    const probe = this.source.gpus;
    if (Array.isArray(probe)) return probe;
    if (!this.gpuRead) {
      const read = Promise.resolve()
        .then(probe)
        .then(
          (gpus) => {
            this.gpus = gpus;
          },
          () => {}, // keep the last stats: a failed read says nothing about the GPUs
        );
      this.gpuRead = read.finally(() => {
        this.gpuRead = undefined;
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.intervalMs);
    });
    await Promise.race([this.gpuRead, late]);
    clearTimeout(timer);
    return this.gpus;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.current;
    await this.kv.delete(this.source.id).catch(() => {});
  }
}
