import type { KV } from '@nats-io/kv';
import { BucketNames, bandConsumer, jobsStream, PRIORITY_BANDS, type WorkerState } from '@reelay/contracts';
import type { NatsContext } from '../nats/connection.js';
import { EventLoopWatch } from './event-loop-watch.js';
import { TaskMetrics, withTimeout } from './task-metrics.js';

export interface ProbeResult {
  ok: boolean;
  /** Why not, for a person reading the probe's body. */
  reason?: string;
  details?: Record<string, unknown>;
}

/** Each readiness round trip gives up after this: a probe must answer within its own timeout. */
const PROBE_CALL_TIMEOUT_MS = 2_000;

/**
 * What a service process tells its orchestrator and its scraper, in one object: it is the
 * workers' observer (ServiceRuntime.monitor, passed as `observer` in WorkerDeps), holds
 * the Prometheus registry, and answers the probes.
 *
 * - Liveness: the event loop turns (EventLoopWatch). Nothing about NATS: a worker whose
 *   server is away is alive and reconnecting, and restarting it would not help.
 * - Readiness: NATS is connected and answers a round trip, at least one worker was
 *   built with this monitor, and every such worker is running (not starting or
 *   stopping) and taking jobs, with each band consumer of its queues present on the
 *   server. A worker drained by worker control (or a recycle on its way out) stays
 *   `running` to its observer but takes nothing; it says so in its own heartbeat
 *   (`state: draining` in KV `workers`, written as the drain or resume lands), and that
 *   is what is read here, so a drained worker answers 503 until it is resumed. The
 *   endpoint is for worker processes (the gateway has its own /readyz).
 */
export class ServiceMonitor extends TaskMetrics {
  private readonly loop: EventLoopWatch;
  private nats: NatsContext | undefined;
  private heartbeats: Promise<KV> | undefined;

  constructor(service: string, options: { maxEventLoopLagMs?: number } = {}) {
    super(service);
    this.loop = new EventLoopWatch({ maxLagMs: options.maxEventLoopLagMs ?? 5_000 }).start();
  }

  override attach(ctx: NatsContext): void {
    super.attach(ctx);
    this.nats = ctx;
  }

  liveness(): ProbeResult {
    const lagMs = Math.round(this.loop.lagMs());
    return this.loop.responsive()
      ? { ok: true, details: { eventLoopLagMs: lagMs } }
      : { ok: false, reason: `event loop lagging ${lagMs} ms` };
  }

  async readiness(): Promise<ProbeResult> {
    const ctx = this.nats;
    if (!ctx) return { ok: false, reason: 'not connected to NATS yet' };
    if (!ctx.connected()) return { ok: false, reason: 'NATS connection lost; reconnecting' };
    try {
      await withTimeout(ctx.nc.flush(), PROBE_CALL_TIMEOUT_MS, 'NATS round trip');
      if (this.observedWorkers.length === 0) return { ok: false, reason: 'no worker built yet' };
      for (const worker of this.observedWorkers) {
        const status = worker.status();
        if (status !== 'running') return { ok: false, reason: `worker ${worker.service} is ${status}` };
        const reported = await withTimeout(this.reportedState(ctx, worker.id), PROBE_CALL_TIMEOUT_MS, `heartbeat of ${worker.id}`);
        if (reported === undefined) return { ok: false, reason: `worker ${worker.service} has no heartbeat in KV workers` };
        if (reported !== 'running') {
          return { ok: false, reason: `worker ${worker.service} is ${reported}: it takes no jobs (resume it through worker control)` };
        }
        for (const queue of worker.queues) {
          for (const band of PRIORITY_BANDS) {
            await withTimeout(
              ctx.jsm.consumers.info(jobsStream(queue), bandConsumer(queue, band)),
              PROBE_CALL_TIMEOUT_MS,
              `consumer ${bandConsumer(queue, band)}`,
            );
          }
        }
      }
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
    return { ok: true, details: { workers: this.observedWorkers.map((w) => ({ worker: w.service, queues: w.queues })) } };
  }

  /** The state the worker published in its heartbeat; undefined when it has none. */
  private async reportedState(ctx: NatsContext, workerId: string): Promise<WorkerState | undefined> {
    this.heartbeats ??= ctx.kvm.open(BucketNames.workers);
    const kv = await this.heartbeats.catch((err: unknown) => {
      this.heartbeats = undefined;
      throw err;
    });
    const entry = await kv.get(workerId);
    if (entry?.operation !== 'PUT') return undefined;
    // A heartbeat without a state is from a worker that cannot be drained: running.
    return entry.json<{ state?: WorkerState }>().state ?? 'running';
  }

  stop(): void {
    this.loop.stop();
  }
}
