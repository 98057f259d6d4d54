import { mkdir, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  bandConsumer,
  type DeadLetter,
  ErrorCode,
  type GpuInfo,
  getTask,
  isTerminal,
  JobEnvelope,
  type JobRecord,
  jobsStream,
  jobsSubject,
  jobsSubjectWildcard,
  type TaskDefinition,
  type WireError,
  type WorkerRecycleReason,
  type WorkerState as ReportedWorkerState,
  clampPercent,
} from '@reelay/contracts';
import type { Subscription } from '@nats-io/transport-node';
import { context, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { toWireError } from '../errors.js';
import type { JobClient } from '../jobs/job-client.js';
import {
  attemptFailed,
  attemptStarted,
  cancelled,
  deadLettered,
  handedBack,
  initialRecord,
  succeeded,
  withLostAttempt,
} from '../jobs/job-record.js';
import type { WorkerObserver } from '../health/worker-observer.js';
import { isNatsUnavailable } from '../nats/nats-errors.js';
import { TaskRegistry } from '../tasks/task-registry.js';
import type { Logger } from '../logging/logger.js';
import type { NatsContext } from '../nats/connection.js';
import type { JobMessage } from '../nats/job-message.js';
import { Puller } from '../nats/puller.js';
import type { Buckets } from '../nats/topology.js';
import { ChildProcesses } from '../process/child-processes.js';
import { Attr } from '../telemetry/attributes.js';
import { extractTrace, recordFailure, tracer } from '../telemetry/tracing.js';
import { CancelledError, HardTimeoutError, ShutdownError, SoftTimeoutError } from './abort-reasons.js';
import { BandOrder } from './band-order.js';
import { Cancellations } from './cancellations.js';
import { Heartbeat } from './heartbeat.js';
import type { Handler, JobContext } from './job-context.js';
import { QueuePauses } from './queue-pauses.js';
import { Recycler } from './recycle.js';
import { WorkerControl } from './worker-control.js';
import { RateLimiter } from './rate-limiter.js';
import { type AttemptOutcome, settle } from './settle.js';
import { timeLimits } from './time-limits.js';

export interface WorkerOptions {
  /** Names the worker in logs, heartbeats and the task registry. */
  service: string;
  /** In preference order: a GPU worker lists `media-gpu` before `media`. */
  queues: string[];
  /** Jobs run at once; the worker never holds more messages than this. */
  concurrency: number;
  handlers: Record<string, Handler>;
  /** Definitions of handler types beyond the built-in catalogue (custom tasks). */
  tasks?: Record<string, TaskDefinition>;
  /** The consumers' AckWait; in-progress acks go out every third of it. */
  ackWaitMs: number;
  /** On stop, how long running jobs may finish before they are handed back. */
  shutdownGraceMs: number;
  /**
   * After the grace period, how long aborted handlers get to return before the worker
   * stops regardless. @default 5000
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
  /** Video encoders this host offers (render-gpu), shown in the heartbeat. */
  encoders?: string[];
  /** Where attempts' temp dirs live. @default os.tmpdir()/reelay */
  tmpRoot?: string;
  /** Recycle: exit cleanly after this many jobs (WORKER_MAX_JOBS; Celery's worker_max_tasks_per_child). */
  maxJobs?: number | undefined;
  /** Recycle: exit cleanly once RSS is above this many MiB after a job (WORKER_MAX_RSS_MB). */
  maxRssMb?: number | undefined;
  /**
   * How the worker leaves on a recycle or a `shutdown` command. @default a SIGTERM to its
   * own process, so the service's shutdown path (onShutdownSignal) drains it and exits 0
   */
  requestExit?: (reason: WorkerRecycleReason) => void;
}

export interface WorkerDeps {
  ctx: NatsContext;
  logger: Logger;
  buckets: Buckets;
  artifacts: ArtifactStore;
  jobs: JobClient;
  /** Told of each attempt's start and outcome (metrics) and reads the worker's state (readiness): ServiceRuntime.monitor. */
  observer?: WorkerObserver;
}

type WorkerState = 'created' | 'starting' | 'running' | 'draining' | 'stopped';

interface ActiveJob {
  id: string;
  abort: AbortController;
  children: ChildProcesses;
  done: Promise<void>;
}

/**
 * A worker process's job loop: takes jobs from the band consumers of its queues, at
 * most as many as it has free slots, runs their handlers, and settles each attempt.
 *
 * Lifecycle: created → starting → running → draining → stopped. It never holds a
 * message it has no slot for (flow control), keeps running jobs alive with in-progress
 * acks (AckWait stays short so a dead worker's job returns in seconds), and on stop
 * lets running jobs finish within the grace period before handing the rest back.
 */
export class Worker {
  readonly id: string;
  private state: WorkerState = 'created';
  private readonly active = new Map<string, ActiveJob>();
  private readonly order = new BandOrder();
  private readonly puller: Puller;
  private readonly cancellations: Cancellations;
  private readonly pauses: QueuePauses;
  private readonly rateLimiter: RateLimiter;
  private readonly heartbeat: Heartbeat;
  private readonly doorbells: Subscription[] = [];
  private rings = 0;
  /**
   * Band subjects a pull just found drained. They are skipped until their doorbell rings
   * (a new job) or the idle interval passes (a delayed redelivery rings no bell), so a
   * busy worker spends one round trip per take instead of one per empty band.
   */
  private readonly drained = new Set<string>();
  /**
   * When each band's doorbell last rang. Core delivery can beat the stream's write, so a
   * pull right after a bell may come back empty: such a band is not marked drained, and
   * the loop looks again within a few milliseconds instead of waiting for the idle sweep.
   */
  private readonly bellAt = new Map<string, number>();
  private drainedSince = Date.now();
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly tmpDir: string;
  /** Taking no jobs: a drain command, or a recycle on its way out (worker/recycle.ts). */
  private holding = false;
  private exiting = false;
  private readonly recycler: Recycler;
  private readonly control: WorkerControl;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly options: WorkerOptions,
  ) {
    this.id = `${options.service}-${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
    const { ctx, buckets } = deps;
    this.puller = new Puller(ctx.nc, (m) => this.begin(m));
    this.cancellations = new Cancellations(ctx);
    this.pauses = new QueuePauses(buckets.queueState);
    this.rateLimiter = new RateLimiter(buckets.rateLimits);
    this.tmpDir = path.join(options.tmpRoot ?? path.join(os.tmpdir(), 'reelay'), options.service, `${process.pid}-${this.id.slice(-4)}`);
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
    await this.removeStaleTempDirs();
    await this.cancellations.start();
    this.cancellations.onCancel((id) => this.cancelRunning(id));
    await this.pauses.start(() => this.ring());
    for (const queue of this.options.queues) {
      // Publishing to a stream subject also reaches plain subscribers: an idle worker
      // learns of new work at once instead of polling for it.
      this.doorbells.push(
        this.deps.ctx.nc.subscribe(jobsSubjectWildcard(queue), {
          callback: (_err, msg) => {
            this.drained.delete(msg.subject);
            this.bellAt.set(msg.subject, Date.now());
            this.ring();
          },
        }),
      );
    }
    await this.heartbeat.start();
    this.control.start();
    this.state = 'running';
    this.loopDone = this.loop();
    this.deps.logger.info({ worker: this.id, queues: this.options.queues, concurrency: this.options.concurrency }, 'worker started');
  }

  /**
   * Stops taking work, lets running jobs finish for `graceMs`, then aborts the rest and
   * hands them back to the queue (without spending an attempt).
   */
  async stop(graceMs = this.options.shutdownGraceMs): Promise<void> {
    if (this.state === 'stopped' || this.state === 'created') return;
    this.state = 'draining';
    this.ring();
    await this.loopDone;
    for (const sub of this.doorbells) sub.unsubscribe();
    const all = () => Promise.all([...this.active.values()].map((a) => a.done));
    const finished = await Promise.race([all().then(() => true), sleep(graceMs).then(() => false)]);
    if (!finished) {
      for (const job of this.active.values()) {
        job.abort.abort(new ShutdownError());
        job.children.killAll();
      }
      await Promise.race([all(), sleep(this.options.forceDeadlineMs ?? 5_000)]);
    }
    this.puller.close();
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

  // ---- the take loop ----

  private ring(): void {
    this.rings += 1;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async loop(): Promise<void> {
    const idlePollMs = this.options.idlePollMs ?? 500;
    while (this.state === 'running') {
      const free = Math.min(this.options.concurrency - this.active.size, this.holding ? 0 : this.recycler.remaining());
      const seen = this.rings;
      if (free <= 0) {
        await this.waitForRing(idlePollMs, seen);
        continue;
      }
      let took = 0;
      try {
        took = await this.sweep(free);
      } catch (err) {
        this.deps.logger.warn({ err }, 'taking jobs failed; retrying');
        await sleep(250);
      }
      if (took === 0) await this.waitForRing(this.anyRangRecently() ? 5 : idlePollMs, seen);
    }
  }

  private rangRecently(subject: string): boolean {
    return Date.now() - (this.bellAt.get(subject) ?? 0) < 50;
  }

  private anyRangRecently(): boolean {
    for (const subject of this.bellAt.keys()) if (this.rangRecently(subject)) return true;
    return false;
  }

  /** One pass over the queues (in preference order) and their bands (weighted order). */
  private async sweep(free: number): Promise<number> {
    const idlePollMs = this.options.idlePollMs ?? 500;
    if (Date.now() - this.drainedSince >= idlePollMs) {
      this.drained.clear();
      this.drainedSince = Date.now();
    }
    let took = 0;
    for (const queue of this.options.queues) {
      if (this.pauses.has(queue)) continue;
      for (const band of this.order.next()) {
        if (this.state !== 'running') return took;
        const subject = jobsSubject(queue, band);
        if (this.drained.has(subject)) continue;
        const asked = free - took;
        const messages = await this.puller.take(jobsStream(queue), bandConsumer(queue, band), asked);
        if (messages.length < asked && !this.rangRecently(subject)) this.drained.add(subject);
        for (const m of messages) this.begin(m);
        took += messages.length;
        if (took >= free) return took;
      }
    }
    return took;
  }

  private waitForRing(ms: number, seen: number): Promise<void> {
    if (this.rings !== seen || this.state !== 'running') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  // ---- one attempt ----

  private begin(message: JobMessage): void {
    let envelope: JobEnvelope;
    try {
      envelope = JobEnvelope.parse(JSON.parse(new TextDecoder().decode(message.data)));
    } catch (err) {
      this.deps.logger.error({ err, subject: message.subject }, 'unreadable job message; terminated');
      void message.term().catch(() => {});
      return;
    }
    if (this.active.has(envelope.id)) {
      // The same job delivered twice to one worker (a late pull): let the first run it.
      message.working();
      return;
    }
    const abort = new AbortController();
    const children = new ChildProcesses();
    const entry: ActiveJob = { id: envelope.id, abort, children, done: Promise.resolve() };
    this.active.set(envelope.id, entry);
    this.recycler.jobTaken();
    entry.done = this.process(message, envelope, entry)
      .catch((err) => this.deps.logger.error({ err, job_id: envelope.id }, 'settling the job failed; it will be redelivered'))
      .finally(() => {
        this.active.delete(envelope.id);
        this.recycler.jobSettled(this.active.size);
        this.ring();
      });
  }

  private async process(message: JobMessage, envelope: JobEnvelope, entry: ActiveJob): Promise<void> {
    const parent = extractTrace(message.headers);
    const span = tracer().startSpan(
      `process ${envelope.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [Attr.messagingSystem]: 'nats',
          [Attr.messagingOperationType]: 'process',
          [Attr.messagingOperationName]: 'process',
          [Attr.messagingDestination]: message.subject,
          [Attr.messagingConsumerGroup]: message.delivery.consumer,
          [Attr.messagingMessageId]: envelope.id,
          [Attr.jobId]: envelope.id,
          [Attr.jobType]: envelope.type,
          [Attr.jobProject]: envelope.project,
          ...(envelope.workflowId ? { [Attr.workflowId]: envelope.workflowId } : {}),
          ...(envelope.stepId ? { [Attr.stepId]: envelope.stepId } : {}),
        },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), () => this.attempt(message, envelope, entry, span));
    } finally {
      span.end();
    }
  }

  private async attempt(message: JobMessage, envelope: JobEnvelope, entry: ActiveJob, span: Span): Promise<void> {
    const store = this.deps.jobs.store;
    const delivery = message.delivery.deliveryCount;
    let record: JobRecord = initialRecord(envelope);
    if (delivery > 1) {
      // Only redeliveries read the record: the first delivery's state is the envelope.
      record = (await store.get(envelope.id)) ?? record;
      if (isTerminal(record.status)) {
        // Finished already (an ack that was lost, or cancelled while queued).
        message.ackNoWait();
        return;
      }
    }
    if (this.cancellations.has(envelope.id) || record.status === 'cancelled') {
      await this.writeDurably(message, cancelled(record));
      message.ackNoWait();
      return;
    }
    const attempt = delivery - record.freeRedeliveries;
    const errors = withLostAttempt(record);
    if (attempt > envelope.maxAttempts) {
      if (!errors.some((e) => e.attempt === envelope.maxAttempts)) {
        // The last attempt died before it could even record that it was running.
        errors.push({
          attempt: envelope.maxAttempts,
          at: now(),
          code: ErrorCode.WORKER_LOST,
          message: 'the worker died running this attempt',
          retryable: true,
        });
      }
      const error: WireError = {
        code: ErrorCode.WORKER_LOST,
        message: `gave up after ${envelope.maxAttempts} attempt(s); the last ones never answered (the worker died running them)`,
        retryable: false,
      };
      await this.deadLetter(message, deadLettered({ ...record, errors }, envelope, error), 'max-deliveries');
      return;
    }
    const task = this.options.tasks?.[envelope.type] ?? getTask(envelope.type);
    const handler = this.options.handlers[envelope.type];
    if (!task || !handler) {
      const error: WireError = {
        code: ErrorCode.UNKNOWN_TASK,
        message: `no handler for task type "${envelope.type}" in ${this.options.service}`,
        retryable: false,
      };
      await this.deadLetter(message, deadLettered({ ...record, errors }, envelope, error), 'permanent');
      return;
    }
    // Input is parsed once, here, for every task: a handler gets the typed value, and
    // input that breaks the contract is a permanent failure, never a retried one.
    // Sensitive fields are opened here, for the handler alone: records keep the ciphertext.
    let opened: unknown;
    try {
      opened = this.deps.jobs.openInput(envelope);
    } catch (err) {
      const failed = deadLettered({ ...record, errors, attempts: attempt }, envelope, toWireError(err), { attempt, workerId: this.id });
      await this.deadLetter(message, failed, 'permanent');
      return;
    }
    const input = task.input.safeParse(opened);
    if (!input.success) {
      const error: WireError = {
        code: ErrorCode.INVALID_INPUT,
        message: `input breaks the ${envelope.type} contract: ${input.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`,
        retryable: false,
      };
      const failed = deadLettered({ ...record, errors, attempts: attempt }, envelope, error, { attempt, workerId: this.id });
      await this.deadLetter(message, failed, 'permanent');
      return;
    }
    if (task.rateLimit) {
      const slot = await this.rateLimiter.acquire(`task.${envelope.type}`, task.rateLimit);
      if (!slot.allowed) {
        await this.writeDurably(message, handedBack({ ...record, errors }, { delayMs: slot.retryAfterMs }));
        message.nak(slot.retryAfterMs);
        return;
      }
    }

    span.setAttribute(Attr.jobAttempt, attempt);
    this.deps.observer?.attemptStarted(record);
    record = attemptStarted(record, attempt, this.id, errors);
    const log = this.deps.logger.child({ job_id: envelope.id, task: envelope.type, attempt });
    // Not awaited: later writes on this connection to the same stream land after it.
    const runningWrite = store.write(record).catch((err) => log.warn({ err }, 'recording running state failed'));

    const outcome = await this.runHandler({
      handler,
      task,
      envelope,
      input: input.data,
      attempt,
      entry,
      message,
      log,
      record: {
        get: () => record,
        set: (r) => {
          record = r;
        },
      },
    });
    await runningWrite;

    if (outcome.kind === 'shutdown') {
      await this.writeDurably(message, handedBack(record));
      message.nak(0);
      return;
    }
    const decision = settle(outcome, attempt, envelope.maxAttempts, task.retry);
    switch (decision.action) {
      case 'ack': {
        const final = decision.status === 'succeeded' ? succeeded(record, decision.result) : cancelled(record);
        // State before ack, and the slot stays taken until the ack is sent: a worker never
        // holds more unacknowledged messages than its concurrency (flow control).
        await this.writeDurably(message, final);
        message.ackNoWait();
        log.debug({ status: decision.status }, 'job settled');
        return;
      }
      case 'nak': {
        const { error } = decision;
        const next = decision.spendsAttempt
          ? attemptFailed(record, { attempt, error, workerId: this.id, delayMs: decision.delayMs })
          : handedBack(record, { error, delayMs: decision.delayMs });
        if (decision.spendsAttempt) recordFailure(span, error);
        await this.writeDurably(message, next);
        message.nak(decision.delayMs);
        log.info({ delay_ms: decision.delayMs, err_code: error.code }, 'attempt failed; retrying');
        return;
      }
      case 'dead': {
        const { error } = decision;
        recordFailure(span, error);
        await this.deadLetter(message, deadLettered(record, envelope, error, { attempt, workerId: this.id }), decision.reason);
        log.warn({ reason: decision.reason, err_code: error.code, err_message: error.message }, 'job dead-lettered');
        return;
      }
    }
  }

  /**
   * A settling write (final state, retry, hand-back) that must land before the message
   * is answered: while NATS cannot take it (a restart, a leader election) it is retried,
   * and the message is kept alive meanwhile, so a job that finished is never run again
   * because its final write timed out. Records are whole snapshots: writing one twice
   * is harmless. Other errors, and a worker past its force deadline, give up: the
   * message is then redelivered after AckWait.
   */
  private async writeDurably(message: JobMessage, record: JobRecord): Promise<void> {
    // The attempt's own in-progress acks stopped with its handler: keep the message ours
    // while the write waits out a disconnect, or AckWait hands the job to another worker
    // and a finished job runs twice (with WORKER_LOST in its history).
    const keepAlive = setInterval(() => message.working(), Math.max(500, Math.floor(this.options.ackWaitMs / 3)));
    // Each try is bounded well under AckWait, so a write stuck on a dead connection is
    // retried on the new one instead of holding the job past its AckWait.
    const timeoutMs = Math.max(1_000, Math.min(5_000, Math.floor(this.options.ackWaitMs / 2)));
    try {
      for (let retry = 0; ; retry++) {
        try {
          await this.deps.jobs.store.write(record, { timeoutMs });
          this.deps.observer?.recorded(record);
          return;
        } catch (err) {
          if (!isNatsUnavailable(err) || this.state === 'stopped') throw err;
          if (retry % 10 === 0)
            this.deps.logger.warn({ err, job_id: record.id, status: record.status }, 'recording the job state failed; retrying');
          message.working();
          await sleep(Math.min(2_000, 100 * 2 ** Math.min(retry, 5)));
        }
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async runHandler(run: AttemptRun): Promise<AttemptOutcome | { kind: 'shutdown' }> {
    const { handler, task, envelope, attempt, entry, message, log, record } = run;
    const { abort, children } = entry;
    const store = this.deps.jobs.store;
    const { softMs, hardMs } = timeLimits(task, envelope.timeoutMs);
    const throttleMs = this.options.progressThrottleMs ?? 250;
    let tempDir: string | undefined;
    let lastProgressWrite = 0;
    let progressTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const writeProgress = () => {
      progressTimer = undefined;
      if (settled) return;
      lastProgressWrite = Date.now();
      void store.write(record.get(), { kind: 'progress' }).catch(() => {});
    };
    const ctx: JobContext = {
      jobId: envelope.id,
      job: envelope,
      attempt,
      signal: abort.signal,
      log,
      artifacts: this.deps.artifacts.forProject(envelope.project),
      children,
      keepAlive: () => message.working(),
      progress: (percent, stage) => {
        const next = { ...record.get(), progress: clampPercent(percent) };
        if (stage !== undefined) next.stage = stage;
        record.set(next);
        message.working();
        const wait = throttleMs - (Date.now() - lastProgressWrite);
        if (wait <= 0 && !progressTimer) writeProgress();
        else if (!progressTimer) progressTimer = setTimeout(writeProgress, Math.max(0, wait));
      },
      tempDir: async () => {
        if (!tempDir) {
          tempDir = path.join(this.tmpDir, `${envelope.id}-${attempt}`);
          await mkdir(tempDir, { recursive: true });
        }
        return tempDir;
      },
    };

    // In-progress acks: a live job is never redelivered, however long it runs.
    const keepAlive = setInterval(() => message.working(), Math.max(500, Math.floor(this.options.ackWaitMs / 3)));
    const softTimer = setTimeout(() => abort.abort(new SoftTimeoutError(softMs)), softMs);
    let hardTimer: NodeJS.Timeout | undefined;
    const hardLimit = new Promise<never>((_, reject) => {
      hardTimer = setTimeout(() => {
        children.killAll();
        if (!abort.signal.aborted) abort.abort(new HardTimeoutError(hardMs));
        reject(new HardTimeoutError(hardMs));
      }, hardMs);
    });
    // A cancel or shutdown that the handler ignores still ends the attempt promptly.
    const abandoned = new Promise<never>((_, reject) => {
      abort.signal.addEventListener('abort', () => {
        const reason = abort.signal.reason;
        if (reason instanceof CancelledError || reason instanceof ShutdownError) {
          setTimeout(() => reject(reason), 1_000).unref();
        }
      });
    });
    if (this.cancellations.has(envelope.id)) this.cancelRunning(envelope.id);

    try {
      const raw = await Promise.race([handler(run.input, ctx), hardLimit, abandoned]);
      const reason = abort.signal.reason;
      if (reason instanceof CancelledError) return { kind: 'cancelled' };
      if (reason instanceof ShutdownError) return { kind: 'shutdown' };
      const parsed = task.output.safeParse(raw);
      if (!parsed.success) {
        return {
          kind: 'failed',
          error: {
            code: ErrorCode.OUTPUT_INVALID,
            message: `handler returned output that breaks the ${envelope.type} contract: ${parsed.error.message}`,
            retryable: false,
          },
        };
      }
      return { kind: 'succeeded', result: parsed.data };
    } catch (err) {
      const reason = abort.signal.reason;
      if (reason instanceof CancelledError) return { kind: 'cancelled' };
      if (reason instanceof ShutdownError) return { kind: 'shutdown' };
      if (err instanceof HardTimeoutError) return { kind: 'failed', error: toWireError(err) };
      if (reason instanceof SoftTimeoutError && !(err instanceof Error && 'code' in err))
        return { kind: 'failed', error: toWireError(reason) };
      return { kind: 'failed', error: toWireError(err) };
    } finally {
      clearInterval(keepAlive);
      clearTimeout(softTimer);
      clearTimeout(hardTimer);
      if (progressTimer) {
        // The trailing report the throttle held back: it lands before the final state.
        clearTimeout(progressTimer);
        progressTimer = undefined;
        await store.write(record.get(), { kind: 'progress' }).catch(() => {});
      }
      settled = true;
      children.killAll();
      if (tempDir) await rm(tempDir, { recursive: true, force: true }).catch(() => {});
    }
  }

  // ---- drain, resume, recycle (worker-control.ts, recycle.ts) ----

  private setHolding(holding: boolean): void {
    this.holding = holding;
    this.ring();
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
    if (!job || job.abort.signal.aborted) return;
    job.abort.abort(new CancelledError());
    job.children.killAll();
  }

  /** DLQ first, then the record, then term: nothing is lost if we die in between. */
  private async deadLetter(message: JobMessage, failed: JobRecord, reason: DeadLetter['reason']): Promise<void> {
    const { error } = failed;
    if (!error) throw new Error(`dead-lettering job ${failed.id} without an error`);
    const envelope = JobEnvelope.parse(failed);
    const dead: DeadLetter = { job: envelope, reason, error, errors: failed.errors, deadAt: failed.finishedAt ?? now() };
    if (envelope.traceId) dead.traceId = envelope.traceId;
    await this.deps.jobs.writeDeadLetter(dead);
    await this.writeDurably(message, failed);
    await message.term();
  }

  /** Temp dirs of worker processes that died without cleaning up. */
  private async removeStaleTempDirs(): Promise<void> {
    const root = path.dirname(this.tmpDir);
    const entries = await readdir(root).catch(() => [] as string[]);
    for (const name of entries) {
      const pid = Number(name.split('-')[0]);
      if (!Number.isInteger(pid) || isAlive(pid)) continue;
      await rm(path.join(root, name), { recursive: true, force: true }).catch(() => {});
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Everything one attempt's handler run needs, in one object. */
interface AttemptRun {
  handler: Handler;
  task: TaskDefinition;
  envelope: JobEnvelope;
  /** The input as the task's schema parsed it. */
  input: unknown;
  attempt: number;
  entry: ActiveJob;
  message: JobMessage;
  log: Logger;
  record: { get(): JobRecord; set(record: JobRecord): void };
}

const now = () => new Date().toISOString();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
