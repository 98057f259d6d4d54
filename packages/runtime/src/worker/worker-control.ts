import {
  WorkerControlCommand,
  WorkerControlReply,
  WorkerHoldsQuery,
  WorkerHoldsReply,
  type WorkerRecycleReason,
  type WorkerState,
  workerControlSubject,
  workerHoldsSubject,
} from '@reelay/contracts';
import type { Subscription } from '@nats-io/transport-node';
import type { Logger } from '../logging/logger.js';
import type { NatsContext } from '../nats/connection.js';
import { jsonPayload } from '../nats/json-payload.js';
import { isNoResponders } from '../nats/nats-errors.js';

/**
 * What a control command acts on: the worker's own small surface for it, so this file
 * needs nothing else of the worker.
 */
export interface ControlledWorker {
  readonly id: string;
  state(): WorkerState;
  running(): number;
  /** Whether a job is in this worker's hands (running, or settling its outcome). */
  holds(jobId: string): boolean;
  /** Stop taking jobs; running ones finish. */
  drain(): void;
  /** Take jobs again; false when the worker is on its way out. */
  resume(): boolean;
  /** Leave as on SIGTERM (grace period, then hand back), the process exiting 0. */
  exit(reason: WorkerRecycleReason): void;
}

const encoder = new TextEncoder();

/**
 * The worker's end of worker control: a core NATS subscription on its control subject
 * (see contracts worker-control.ts), each command answered once it has been acted on.
 * Any message that is not a command for this worker is ignored, unanswered: a bad
 * message never reaches the worker, and a caller asking a worker that is not this one
 * hears from that one or from no one.
 */
export class WorkerControl {
  private sub: Subscription | undefined;
  private holdsSub: Subscription | undefined;

  constructor(
    private readonly ctx: NatsContext,
    private readonly worker: ControlledWorker,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.sub = this.ctx.nc.subscribe(workerControlSubject(this.worker.id), {
      callback: (_err, msg) => {
        let command: WorkerControlCommand;
        try {
          command = WorkerControlCommand.parse(msg.json());
        } catch {
          return;
        }
        if (command.workerId !== this.worker.id || !msg.reply) return;
        const reply = this.act(command);
        msg.respond(encoder.encode(JSON.stringify(reply)));
        if (command.action === 'shutdown') this.worker.exit('control-shutdown');
      },
    });
    this.holdsSub = this.ctx.nc.subscribe(workerHoldsSubject(this.worker.id), {
      callback: (_err, msg) => {
        const query = WorkerHoldsQuery.safeParse(jsonPayload(msg.data));
        if (!query.success || query.data.workerId !== this.worker.id || !msg.reply) return;
        const reply: WorkerHoldsReply = { workerId: this.worker.id, jobId: query.data.jobId, holds: this.worker.holds(query.data.jobId) };
        msg.respond(encoder.encode(JSON.stringify(reply)));
      },
    });
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.sub = undefined;
    this.holdsSub?.unsubscribe();
    this.holdsSub = undefined;
  }

  private act(command: WorkerControlCommand): WorkerControlReply {
    const w = this.worker;
    this.logger.info({ worker: w.id, action: command.action, requested_by: command.requestedBy }, 'worker control');
    const answer = (accepted: boolean, state: WorkerState, message?: string): WorkerControlReply => ({
      workerId: w.id,
      action: command.action,
      accepted,
      state,
      running: w.running(),
      ...(message ? { message } : {}),
    });
    switch (command.action) {
      case 'drain':
        w.drain();
        return answer(true, w.state());
      case 'resume':
        return w.resume() ? answer(true, w.state()) : answer(false, w.state(), 'the worker is stopping; it cannot take jobs again');
      case 'shutdown':
        // Answered before it acts: the reply must leave before the connection drains.
        return answer(true, 'stopping');
    }
  }
}

/**
 * Whether another worker still holds a job (see contracts `WorkerHoldsQuery`). False
 * when no worker with that id listens (it died), and when it does not answer within
 * `timeoutMs` or NATS fails the request: the caller then runs the job as before, so
 * asking never leaves a job waiting on a worker that cannot be reached.
 */
export async function workerHolds(ctx: NatsContext, workerId: string, jobId: string, timeoutMs = 2_000): Promise<boolean> {
  const query: WorkerHoldsQuery = { workerId, jobId };
  try {
    const msg = await ctx.nc.request(workerHoldsSubject(workerId), encoder.encode(JSON.stringify(query)), { timeout: timeoutMs });
    const reply = WorkerHoldsReply.safeParse(jsonPayload(msg.data));
    return reply.success && reply.data.workerId === workerId && reply.data.jobId === jobId && reply.data.holds;
  } catch {
    return false;
  }
}

/**
 * The caller's end: asks one worker to act and returns its reply, or `undefined` when no
 * worker with that id is listening (it died, or never was). Other failures (NATS down,
 * the worker too busy to answer within `timeoutMs`) throw.
 */
export async function controlWorker(
  ctx: NatsContext,
  request: { workerId: string; action: WorkerControlCommand['action']; requestedBy?: string; timeoutMs?: number },
): Promise<WorkerControlReply | undefined> {
  const command: WorkerControlCommand = {
    workerId: request.workerId,
    action: request.action,
    at: new Date().toISOString(),
    ...(request.requestedBy !== undefined ? { requestedBy: request.requestedBy } : {}),
  };
  try {
    const msg = await ctx.nc.request(workerControlSubject(request.workerId), encoder.encode(JSON.stringify(command)), {
      timeout: request.timeoutMs ?? 5_000,
    });
    return WorkerControlReply.parse(msg.json());
  } catch (err) {
    if (isNoResponders(err)) return undefined;
    throw err;
  }
}
