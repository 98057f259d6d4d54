import os from 'node:os';
import path from 'node:path';
import {
  type GpuInfo,
  getTask,
  JobEnvelope,
  type TaskDefinition,
  type WorkerRecycleReason,
  type WorkerState as ReportedWorkerState,
} from '@reelay/contracts';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { WorkerObserver } from '../health/worker-observer.js';
import type { Logger } from '../logging/logger.js';
import type { NatsContext } from '../nats/connection.js';
import type { JobMessage } from '../nats/job-message.js';
import type { Buckets } from '../nats/topology.js';
import { ChildProcesses } from '../process/child-processes.js';
import { TaskRegistry } from '../tasks/task-registry.js';
import { cancelAttempt, ShutdownError } from './abort-reasons.js';
import {
  callHandler,
  cancellable,
  classified,
  cleanedUp,
  inputParsed,
  keptAlive,
  logBound,
  markedRunning,
  outputParsed,
  rateLimited,
  timeLimited,
  traced,
} from './attempt-links.js';
import { Cancellations } from './cancellations.js';
import { Heartbeat } from './heartbeat.js';
import type { Handler } from './job-context.js';
import { JobDelivery, type RunningJob } from './job-delivery.js';
import { QueuePauses } from './queue-pauses.js';
import { RateLimiter } from './rate-limiter.js';
import { Recycler } from './recycle.js';
import { composeLinks } from './run-attempt.js';
import { Settler } from './settle-attempt.js';
import { TakeLoop } from './take-loop.js';
import { TempDirs } from './temp-dirs.js';
import { WorkerControl, workerHolds } from './worker-control.js';
import type { WorkerJobs } from './worker-jobs.js';

export interface WorkerOptions {
  /** Names the worker in logs, heartbeats and the task registry. */
  service: string;
  /** In preference order: a GPU worker lists `media-gpu` before `media`. */
  queues: string[];
  /**
   * Handlers run at once. A finished job waiting for its settling record's answer no
   * longer takes a slot, but at most this many wait: the worker holds at most twice this
   * many unanswered messages (decision 0002). (Required; runWorker's @default is 4.)
   */
  concurrency: number;
  /** Handlers by task type. */
  handlers: Record<string, Handler>;
  /** Definitions of handler types beyond the built-in catalogue (custom tasks). @default none: the built-in catalogue only */
  tasks?: Record<string, TaskDefinition>;
  /** The consumers' AckWait; in-progress acks go out every third of it. (Required: ACK_WAIT_MS, @default 30000 there.) */
  ackWaitMs: number;
  /** On stop, how long running jobs may finish before they are handed back. (Required: SHUTDOWN_GRACE_MS there.) */
  shutdownGraceMs: number;
  /**
   * After the grace period, how long aborted handlers get to return (and their jobs to be
   * handed back) before the worker stops regardless. @default 5000
   */
  forceDeadlineMs?: number;
  /** Fallback sweep when idle, for delayed redeliveries that ring no doorbell. @default 500 */
  idlePollMs?: number;
  /** Progress reports are written at most this often (the last one always lands). @default 250 */
  progressThrottleMs?: number;
  /** How often the heartbeat is written to KV `workers`. @default 5000 */
  heartbeatIntervalMs?: number;
  /** A fixed list, or a probe the heartbeat reads at each beat for live utilisation and memory. @default [] */
  gpus?: GpuInfo[] | (() => Promise<GpuInfo[]>);
  /** Video encoders this host offers (render-gpu), shown in the heartbeat. @default none listed */
  encoders?: string[];
  /** Where attempts' temp dirs live. @default os.tmpdir()/reelay */
  tmpRoot?: string;
  /** Recycle: exit cleanly after this many jobs (WORKER_MAX_JOBS; Celery's worker_max_tasks_per_child). @default no limit */
  maxJobs?: number | undefined;
  /** Recycle: exit cleanly once RSS is above this many MiB after a job (WORKER_MAX_RSS_MB). @default no limit */
  maxRssMb?: number | undefined;
  /**
   * How the worker leaves on a recycle or a `shutdown` command. @default a SIGTERM to its
   * own process, so the service's shutdown path (onShutdownSignal) drains it and exits 0
   */
  requestExit?: (reason: WorkerRecycleReason) => void;
}

/** What the optional options default to (their `@default`s above). */
const WORKER_DEFAULTS = {
  forceDeadlineMs: 5_000,
  idlePollMs: 500,
  progressThrottleMs: 250,
} as const;

export interface WorkerDeps {
  ctx: NatsContext;
  logger: Logger;
  buckets: Buckets;
  artifacts: ArtifactStore;
  /** Job records, dead letters and sealed input (worker-jobs.ts); a JobClient is one. */
  jobs: WorkerJobs;
  /** Told of each attempt's start and outcome (metrics) and reads the worker's state (readiness): ServiceRuntime.monitor. */
  observer?: WorkerObserver;
}

type WorkerState = 'created' | 'starting' | 'running' | 'draining' | 'stopped';

interface ActiveJob extends RunningJob {
  done: Promise<void>;
  /** Its handler has returned; only its settling write and answer remain. */
  settling: boolean;
}

/**
 * A worker process's job loop: takes jobs from the band consumers of its queues, at
 * most as many as it has free slots, runs their handlers, and settles each attempt.
 *
 * Lifecycle: created → starting → running → draining → stopped. It never holds a
 * message it has no slot for (flow control), keeps running jobs alive with in-progress
 * acks (AckWait stays short so a dead worker's job returns in seconds), and on stop
 * lets running jobs finish within the grace period before handing the rest back.
 *
 * This class is the lifecycle and the wiring. The parts: take-loop.ts (pulls and
 * doorbells), job-delivery.ts (one delivery, span to settlement), attempt-links.ts (the
 * links around each handler), settle.ts (the decision table) and settle-attempt.ts
 * (carrying it out), temp-dirs.ts.
 */
export class Worker {
  readonly id: string;
  private state: WorkerState = 'created';
  private readonly active = new Map<string, ActiveJob>();
  private readonly takes: TakeLoop;
  private readonly deliveries: JobDelivery;
  private readonly cancellations: Cancellations;
  private readonly pauses: QueuePauses;
  private readonly heartbeat: Heartbeat;
  private readonly tempDirs: TempDirs;
  /** Taking no jobs: a drain command, or a recycle on its way out (worker/recycle.ts). */
  private holding = false;
  /** Active jobs whose handler has returned (their settling write still in flight). */
  private settling = 0;
  private exiting = false;
  private readonly recycler: Recycler;
  private readonly control: WorkerControl;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly options: WorkerOptions,
  ) {
    this.id = `${options.service}-${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
    const { ctx, buckets, jobs, logger, observer } = deps;
    this.cancellations = new Cancellations(ctx);
    this.pauses = new QueuePauses(buckets.queueState);
    this.tempDirs = new TempDirs(options.tmpRoot ?? path.join(os.tmpdir(), 'reelay'), options.service, this.id.slice(-4));
    this.takes = new TakeLoop({
      nc: ctx.nc,
      logger,
      queues: options.queues,
      idlePollMs: options.idlePollMs ?? WORKER_DEFAULTS.idlePollMs,
      pauses: this.pauses,
      // A slot is a running handler; finished jobs awaiting their record's answer have a
      // bound of their own (decision 0002): the next pull leaves with the last record.
      free: () =>
        Math.min(
          options.concurrency - (this.active.size - this.settling),
          2 * options.concurrency - this.active.size,
          this.holding ? 0 : this.recycler.remaining(),
        ),
      running: () => this.active.size - this.settling,
      taking: () => this.state === 'running',
      take: (m) => this.begin(m),
    });
    // Outermost first. Input and rate limit come before `running` is recorded: a rejected
    // or rate-limited job never shows as started. Cleanup wraps the classifier, so a
    // cancel that lands while temp files are removed does not change the outcome.
    const run = composeLinks(
      [
        inputParsed(jobs),
        rateLimited(new RateLimiter(buckets.rateLimits)),
        traced,
        logBound,
        markedRunning({ store: jobs.store, workerId: this.id, observer }),
        cleanedUp,
        classified,
        keptAlive(options.ackWaitMs),
        timeLimited,
        cancellable(this.cancellations),
        outputParsed,
      ],
      callHandler(deps.artifacts),
    );
    this.deliveries = new JobDelivery({
      service: options.service,
      store: jobs.store,
      settler: new Settler({
        store: jobs.store,
        deadLetters: jobs,
        logger,
        workerId: this.id,
        ackWaitMs: options.ackWaitMs,
        observer,
        stopped: () => this.state === 'stopped',
      }),
      tempDirs: this.tempDirs,
      logger,
      run,
      heldElsewhere: (record) =>
        record.workerId !== undefined && record.workerId !== this.id && workerHolds(ctx, record.workerId, record.id),
      lookup: (type) => {
        const task = options.tasks?.[type] ?? getTask(type);
        const handler = options.handlers[type];
        return task && handler ? { task, handler } : undefined;
      },
      cancellations: this.cancellations,
      progressThrottleMs: options.progressThrottleMs ?? WORKER_DEFAULTS.progressThrottleMs,
    });
    this.heartbeat = new Heartbeat(
      buckets.workers,
      {
        id: this.id,
        service: options.service,
        queues: options.queues,
        tasks: Object.keys(options.handlers).sort(),
        concurrency: options.concurrency,
        running: () => [...this.active.keys()],
        gpus: options.gpus ?? [],
        ...(options.encoders ? { encoders: options.encoders } : {}),
        tmpDir: os.tmpdir(),
        state: () => this.reportedState(),
      },
      options.heartbeatIntervalMs,
    );
    this.recycler = new Recycler(
      { maxJobs: options.maxJobs, maxRssBytes: options.maxRssMb === undefined ? undefined : options.maxRssMb * 1024 * 1024 },
      (reason, detail) => {
        this.deps.logger.info({ worker: this.id, reason, ...detail }, 'recycling: this worker takes no more jobs and exits');
        this.exit(reason);
      },
    );
    this.control = new WorkerControl(
      ctx,
      {
        id: this.id,
        state: () => this.reportedState(),
        running: () => this.active.size,
        holds: (jobId) => this.active.has(jobId),
        drain: () => this.setHolding(true),
        resume: () => {
          if (this.exiting || this.state !== 'running') return false;
          this.setHolding(false);
          return true;
        },
        exit: (reason) => this.exit(reason),
      },
      deps.logger,
    );
    deps.observer?.workerCreated({ ...options, id: this.id, status: () => this.state, busy: () => this.active.size });
  }

  get status(): WorkerState {
    return this.state;
  }
  get running(): string[] {
    return [...this.active.keys()];
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw new Error(`worker cannot start from state ${this.state}`);
    this.state = 'starting';
    await this.registerTasks();
    await this.tempDirs.removeStale();
    await this.cancellations.start();
    this.cancellations.onCancel((id) => this.cancelRunning(id));
    await this.pauses.start(() => this.takes.ring());
    this.takes.listen();
    await this.heartbeat.start();
    this.control.start();
    this.state = 'running';
    this.takes.start();
    this.deps.logger.info({ worker: this.id, queues: this.options.queues, concurrency: this.options.concurrency }, 'worker started');
  }

  /**
   * Stops taking work, lets running jobs finish for `graceMs`, then aborts the rest and
   * hands them back to the queue (without spending an attempt), waiting at most
   * `forceDeadlineMs` for them.
   */
  async stop(graceMs = this.options.shutdownGraceMs): Promise<void> {
    if (this.state === 'stopped' || this.state === 'created') return;
    this.state = 'draining';
    await this.takes.stop();
    const all = () => Promise.all([...this.active.values()].map((a) => a.done));
    const finished = await Promise.race([all().then(() => true), sleep(graceMs).then(() => false)]);
    if (!finished) {
      for (const job of this.active.values()) {
        job.abort.abort(new ShutdownError());
        job.children.killAll();
      }
      await Promise.race([all(), sleep(this.options.forceDeadlineMs ?? WORKER_DEFAULTS.forceDeadlineMs)]);
    }
    this.takes.close();
    this.control.stop();
    this.cancellations.stop();
    this.pauses.stop();
    await this.heartbeat.stop();
    this.state = 'stopped';
    this.deps.logger.info({ worker: this.id }, 'worker stopped');
  }

  /**
   * Declares every task this worker has a handler for in the task registry — built-in
   * and custom alike — so the gateway validates their submissions and lists them. A
   * handler without a definition, a task on a queue this worker does not pull, or a
   * type registered with another contract stops the start with a clear error.
   */
  private async registerTasks(): Promise<void> {
    const definitions: TaskDefinition[] = [];
    for (const type of Object.keys(this.options.handlers)) {
      const definition = this.options.tasks?.[type] ?? getTask(type);
      if (!definition) throw new Error(`${this.options.service}: handler "${type}" has no task definition (pass it in \`tasks\`)`);
      if (!this.options.queues.includes(definition.queue) && !(definition.queue === 'media' && this.options.queues.includes('media-gpu'))) {
        // Not an error: QUEUE_ROUTES may send the type to a queue this worker does serve.
        this.deps.logger.warn(
          { task: type, queue: definition.queue, queues: this.options.queues },
          'task registered on a queue this worker does not pull',
        );
      }
      definitions.push(definition);
    }
    await new TaskRegistry(this.deps.buckets.tasks).register(definitions, `${this.options.service}/${this.id}`);
  }

  /** A taken message: decoded, de-duplicated, given a slot until it is settled. */
  private begin(message: JobMessage): void {
    let envelope: JobEnvelope;
    try {
      envelope = JobEnvelope.parse(JSON.parse(decoder.decode(message.data)));
    } catch (err) {
      // No envelope, so no record to write: nothing can run it, and nothing to settle.
      this.deps.logger.error({ err, subject: message.subject }, 'unreadable job message; terminated');
      void message.term().catch(() => {});
      return;
    }
    if (this.active.has(envelope.id)) {
      // The same job delivered twice to one worker (a late pull): let the first run it.
      message.working();
      return;
    }
    const entry: ActiveJob = { abort: new AbortController(), children: new ChildProcesses(), done: Promise.resolve(), settling: false };
    entry.handlerDone = () => {
      entry.settling = true;
      this.settling += 1;
      this.takes.ring();
    };
    this.active.set(envelope.id, entry);
    this.recycler.jobTaken();
    entry.done = this.deliveries
      .process(message, envelope, entry)
      .catch((err) => this.deps.logger.error({ err, job_id: envelope.id }, 'settling the job failed; it will be redelivered'))
      .finally(() => {
        // A finished job's slot was freed when its handler returned: its answer frees
        // nothing to take with unless the settling bound was full. An idle worker would
        // otherwise pull again now, just as the next job's doorbell rings, and that job's
        // pull would wait behind the empty one.
        const settlingBoundFull = this.active.size >= 2 * this.options.concurrency;
        this.active.delete(envelope.id);
        if (entry.settling) this.settling -= 1;
        this.recycler.jobSettled(this.active.size);
        if (!entry.settling || settlingBoundFull) this.takes.ring();
      });
  }

  // ---- drain, resume, recycle (worker-control.ts, recycle.ts) ----

  private setHolding(holding: boolean): void {
    this.holding = holding;
    this.takes.ring();
    void this.heartbeat.beat().catch(() => {});
  }

  /** Once: take nothing more, and leave through the process's shutdown path. */
  private exit(reason: WorkerRecycleReason): void {
    if (this.exiting) return;
    this.exiting = true;
    this.setHolding(true);
    (this.options.requestExit ?? (() => process.kill(process.pid, 'SIGTERM')))(reason);
  }

  private reportedState(): ReportedWorkerState {
    if (this.state === 'created') return 'starting';
    if (this.state === 'draining') return 'stopping';
    if (this.state === 'running' && this.holding) return 'draining';
    return this.state;
  }

  private cancelRunning(id: string): void {
    const job = this.active.get(id);
    if (job) cancelAttempt(job);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const decoder = new TextDecoder();
