import { z } from 'zod';

/**
 * Worker control — Celery's `control.shutdown`/`cancel_consumer`, Flower's worker
 * buttons: a request on a core NATS subject that one worker process listens on, answered
 * by that worker. Not a stream: a command to a worker that is gone has no one to act on
 * it, and the caller should learn that at once (no responders) rather than the worker
 * finding it when it next starts.
 *
 *   drain     stop taking jobs; running jobs finish (no deadline); the process stays up
 *   resume    take jobs again after a drain
 *   shutdown  stop as on SIGTERM: running jobs get the grace period, then are handed
 *             back without spending an attempt; the process exits 0
 */
export const WorkerControlAction = { drain: 'drain', resume: 'resume', shutdown: 'shutdown' } as const;
export type WorkerControlAction = (typeof WorkerControlAction)[keyof typeof WorkerControlAction];
export const WORKER_CONTROL_ACTIONS = Object.values(WorkerControlAction) as [WorkerControlAction, ...WorkerControlAction[]];

/** A worker's state as its heartbeat and control replies report it. */
export const WorkerState = z.enum(['starting', 'running', 'draining', 'stopping', 'stopped']);
export type WorkerState = z.infer<typeof WorkerState>;

/** The request on `workerControlSubject(id)`. */
export const WorkerControlCommand = z.object({
  /** The worker meant: one that reads another id here (a subject shared after escaping) stays silent. */
  workerId: z.string(),
  action: z.enum(WORKER_CONTROL_ACTIONS),
  /** Who asked (an API key's name), for the worker's log. */
  requestedBy: z.string().optional(),
  at: z.string(),
});
export type WorkerControlCommand = z.infer<typeof WorkerControlCommand>;

/** The worker's answer, sent once it has acted (a shutdown answers before it exits). */
export const WorkerControlReply = z.object({
  workerId: z.string(),
  action: z.enum(WORKER_CONTROL_ACTIONS),
  /** False when the command did not apply (e.g. resume while shutting down); `message` says why. */
  accepted: z.boolean(),
  state: WorkerState,
  /** Jobs running when the worker answered. */
  running: z.number().int().nonnegative(),
  message: z.string().optional(),
});
export type WorkerControlReply = z.infer<typeof WorkerControlReply>;

/**
 * Why a worker process stops of its own accord (Celery's worker_max_tasks_per_child and
 * worker_max_memory_per_child): it exits 0 and its supervisor starts a fresh one.
 */
export const WorkerRecycleReason = z.enum(['max-jobs', 'max-rss', 'control-shutdown']);
export type WorkerRecycleReason = z.infer<typeof WorkerRecycleReason>;

/** A worker id as the runtime makes it (`<service>-<host>-<pid>-<rand>`): it is a KV key. */
export const WORKER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
export const WorkerId = z.string().regex(WORKER_ID_PATTERN, 'not a worker id');

/**
 * The control subject of one worker. A worker id may hold dots (a host name), which
 * would split the subject into tokens: every character outside `[A-Za-z0-9_-]` becomes
 * `_`. Two ids that differ only there share a subject; the command carries the id, and
 * a worker that reads another id there does not answer.
 */
export function workerControlSubject(workerId: string): string {
  return `worker-control.${workerId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * Is a job still this worker's? Asked by a worker that was handed a redelivery of a job
 * whose record says another worker is running it. JetStream redelivers before AckWait
 * in some cases where the first worker is alive and keeping the message alive (a
 * consumer leader moving to another cluster node; a settling write waiting out an
 * outage): that worker answers `holds: true` and the second leaves the message to it
 * instead of recording WORKER_LOST and running the job a second time. No answer (no
 * responders: the worker is gone) means it is not held.
 */
export const WorkerHoldsQuery = z.object({
  /** The worker asked; one that reads another id here (a shared subject) stays silent. */
  workerId: z.string(),
  jobId: z.string(),
});
export type WorkerHoldsQuery = z.infer<typeof WorkerHoldsQuery>;

export const WorkerHoldsReply = z.object({
  workerId: z.string(),
  jobId: z.string(),
  /** True while the job is in the worker's hands: running, or settling its outcome. */
  holds: z.boolean(),
});
export type WorkerHoldsReply = z.infer<typeof WorkerHoldsReply>;

/** The subject a worker answers `WorkerHoldsQuery` on (escaped as the control subject is). */
export function workerHoldsSubject(workerId: string): string {
  return `worker-holds.${workerId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

// ---- REST: POST /v1/workers/:id/drain | resume | shutdown (admin) ----

export const WorkerIdParams = z.object({ id: WorkerId });
export const WorkerControlResponse = WorkerControlReply;
export type WorkerControlResponse = WorkerControlReply;
