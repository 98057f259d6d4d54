import {
  bandConsumer,
  jobsStream,
  jobsSubject,
  PRIORITY_BANDS,
  type QueueBandStats,
  type QueueView,
  WorkerHeartbeat,
} from '@reelay/contracts';
import { type Buckets, type NatsContext, type TaskRegistry, uniqueKeys } from '@reelay/runtime';

/** Live queue figures, read from JetStream consumer info and worker heartbeats. */
export class QueueStats {
  constructor(
    private readonly ctx: NatsContext,
    private readonly buckets: Buckets,
    private readonly queues: () => string[],
    /** Custom queues come with the task types registered on them. */
    private readonly registry?: TaskRegistry,
  ) {}

  /** The queues every deployment has (built-in and QUEUE_ROUTES): readiness checks these. */
  baseNames(): string[] {
    return this.queues();
  }

  /** Every queue: the base ones and those of registered task types. */
  async names(): Promise<string[]> {
    const registered = this.registry ? (await this.registry.list()).map((t) => t.queue) : [];
    return [...new Set([...this.queues(), ...registered])];
  }

  async all(): Promise<QueueView[]> {
    const [workers, names] = await Promise.all([this.liveWorkers(), this.names()]);
    return Promise.all(names.map((q) => this.one(q, workers)));
  }

  async one(queue: string, workers?: WorkerHeartbeat[]): Promise<QueueView> {
    const live = workers ?? (await this.liveWorkers());
    const stream = jobsStream(queue);
    const bands: QueueBandStats[] = [];
    for (const band of PRIORITY_BANDS) {
      const info = await this.ctx.jsm.consumers.info(stream, bandConsumer(queue, band));
      const stats: QueueBandStats = {
        band,
        pending: info.num_pending,
        running: info.num_ack_pending,
        redelivered: info.num_redelivered,
        waitingPulls: info.num_waiting,
      };
      if (info.num_pending > 0) {
        // The oldest waiting job is the first message on the band's subject past what was delivered.
        const next = await this.ctx.jsm.direct
          .getMessage(stream, { next_by_subj: jobsSubject(queue, band), seq: info.delivered.stream_seq + 1 })
          .catch(() => null);
        if (next) stats.oldestWaitingMs = Math.max(0, Date.now() - next.time.getTime());
      }
      bands.push(stats);
    }
    const paused = await this.isPaused(queue);
    return {
      name: queue,
      stream,
      paused,
      consumers: live.filter((w) => w.queues.includes(queue)).length,
      pending: bands.reduce((n, b) => n + b.pending, 0),
      running: bands.reduce((n, b) => n + b.running, 0),
      bands,
    };
  }

  async isPaused(queue: string): Promise<boolean> {
    const e = await this.buckets.queueState.get(queue);
    return e?.operation === 'PUT' && (e.json() as { paused?: boolean }).paused === true;
  }

  async liveWorkers(): Promise<WorkerHeartbeat[]> {
    const out: WorkerHeartbeat[] = [];
    // Heartbeats are written while this lists: each key once (uniqueKeys).
    for (const key of await uniqueKeys(this.buckets.workers)) {
      const e = await this.buckets.workers.get(key);
      if (e?.operation !== 'PUT') continue;
      const hb = WorkerHeartbeat.safeParse(e.json());
      if (hb.success) out.push(hb.data);
    }
    return out;
  }
}
