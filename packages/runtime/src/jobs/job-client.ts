import { uniqueKeys } from '../nats/kv-keys.js';
import { createHash } from 'node:crypto';
import {
  bandFor,
  cancelSubject,
  DeadLetter,
  delayedSubject,
  DLQ_STREAM,
  dlqSubject,
  ErrorCode,
  getTask,
  isKnownTask,
  isTerminal,
  type RegisteredTask,
  type ApiScope,
  type BulkDlqItem,
  type BulkDlqResponse,
  JobEnvelope,
  type JobRecord,
  jobsSubject,
  RUN_AT_HEADER,
  type TaskDefinition,
} from '@reelay/contracts';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { PermanentError, ReelayError } from '../errors.js';
import type { NatsContext } from '../nats/connection.js';
import type { Buckets } from '../nats/topology.js';
import { Attr } from '../telemetry/attributes.js';
import { currentTraceId, inSpan, injectTrace, SpanKind } from '../telemetry/tracing.js';
import { isNatsUnavailable, isWrongLastSequence } from '../nats/nats-errors.js';
import { streamPublisher } from '../nats/stream-publisher.js';
import { cancelled, initialRecord, isAsSubmitted, isNotQueued, isoNow, notQueued, requeued } from './job-record.js';
import { JsonSchemaValidator } from '../tasks/json-schema-validator.js';
import { TaskRegistry } from '../tasks/task-registry.js';
import { bulkItem, type DeadLetterSelection, selectDeadLetters } from './dead-letter-bulk.js';
import { JobStore } from './job-store.js';
import { containsSealed, DecryptionError, EncryptionKeyMissingError, type InputCipher } from '../crypto/input-cipher.js';
import { newJobId } from './new-job-id.js';

export interface EnqueueRequest {
  type: string;
  input?: unknown;
  priority?: number;
  project?: string;
  maxAttempts?: number;
  timeoutMs?: number;
  labels?: Record<string, string>;
  idempotencyKey?: string;
  /** When to run; a time in the past (or none) queues at once. */
  runAt?: Date;
  /** Overrides routing (the catalogue's queue, then QUEUE_ROUTES). */
  queue?: string;
  workflowId?: string;
  stepId?: string;
  batchId?: string;
}

/** A bulk requeue or discard: which dead letters, for whom, and whether to act. */
export interface BulkDeadLetterRequest extends DeadLetterSelection {
  dryRun: boolean;
  /** Whether the caller may submit this task type (admin-only maintenance tasks). */
  mayRequeue?: (type: string) => Promise<boolean>;
}

/** Dead letters read at once by a scan, and acted on at once by a bulk call. */
const DLQ_READ_SLICE = 64;
const DLQ_ACT_SLICE = 16;

/** What a requeue from the DLQ may change; each field validated as at submit. */
export interface DeadLetterPatch {
  input?: unknown;
  timeoutMs?: number;
  maxAttempts?: number;
}

interface Prepared {
  envelope: JobEnvelope;
  subject: string;
  /** Input paths the task marks sensitive: sealed right before the job is written. */
  sensitive?: readonly string[] | undefined;
}

export interface EnqueueResult {
  job: JobRecord;
  /** False when the idempotency key already named a job: that job is returned. */
  created: boolean;
}

export class NotFoundError extends ReelayError {
  constructor(what: string) {
    super(ErrorCode.NOT_FOUND, `${what} not found`, { retryable: false });
  }
}
export class ConflictError extends ReelayError {
  constructor(message: string) {
    super(ErrorCode.CONFLICT, message, { retryable: false });
  }
}
export class InvalidInputError extends PermanentError {
  constructor(message: string, details?: unknown) {
    super(message, { code: ErrorCode.INVALID_INPUT, details });
  }
}

export class UnknownTaskError extends PermanentError {
  constructor(type: string) {
    super(`unknown task type "${type}": no worker has registered it`, { code: ErrorCode.UNKNOWN_TASK });
  }
}

/** What submitting a task type needs: from code in this process, or from the task registry. */
export interface SubmittableTask {
  type: string;
  queue: string;
  priority: number;
  maxAttempts: number;
  requiresScope?: ApiScope;
  /** `local`: a zod definition this process holds; `registry`: a worker's registered JSON Schema. */
  source: 'local' | 'registry';
  registered?: RegisteredTask;
  /** Input paths encrypted at rest (the definition's `sensitive`). */
  sensitive?: readonly string[];
}

export interface JobClientOptions {
  buckets: Buckets;
  /** task type → queue, as Celery's task_routes. */
  routes?: Record<string, string>;
  /** Task types beyond the catalogue (custom workers). */
  tasks?: Record<string, TaskDefinition>;
  defaultProject?: string;
  /**
   * Seals the input fields tasks mark sensitive before anything is written, and opens
   * them for a worker's handler. Without one, a submit of such a task is refused.
   */
  cipher?: InputCipher;
}

const encoder = new TextEncoder();
/** Submits of one enqueueMany in flight at once (100–400 measured alike; docs/benchmarks.md). */
const SUBMIT_WINDOW = 200;

/**
 * A repeated submit sends a lost queue message again only this soon after its
 * idempotency key was made: well inside the queue streams' 2-minute duplicate window (topology.ts), so
 * a first message that did land is always dropped as a duplicate.
 */
const RESEND_WITHIN_MS = 60_000;
/** How long a withdrawal of a record whose message failed may hold up the 503 answer. */
const WITHDRAW_TIMEOUT_MS = 2_000;

/**
 * The producer side of the runtime: enqueue, read, cancel, and the dead-letter queue.
 * The gateway and the scheduler are built on it; so can any Node program.
 */
export class JobClient {
  readonly store: JobStore;
  readonly registry: TaskRegistry;
  private readonly schemas = new JsonSchemaValidator();
  constructor(
    private readonly ctx: NatsContext,
    private readonly options: JobClientOptions,
  ) {
    this.store = new JobStore(ctx);
    this.registry = new TaskRegistry(options.buckets.tasks);
  }

  /** The zod definition of a type this process holds code for (the catalogue, or `tasks`). */
  task(type: string): TaskDefinition | undefined {
    return this.options.tasks?.[type] ?? getTask(type);
  }

  /**
   * How to submit `type`: the zod definition this process holds, unless the registry has
   * a newer version of it from the workers that run it; otherwise the registered entry.
   * Undefined for a type no one registered.
   */
  async resolveTask(type: string): Promise<SubmittableTask | undefined> {
    const local = this.task(type);
    const registered = local && !isKnownTask(type) ? undefined : await this.registry.get(type);
    if (local && (!registered || registered.version <= (local.version ?? 1))) {
      return {
        type,
        queue: local.queue,
        priority: local.priority,
        maxAttempts: local.retry.maxAttempts,
        ...(local.requiresScope ? { requiresScope: local.requiresScope } : {}),
        ...(local.sensitive?.length ? { sensitive: local.sensitive } : {}),
        source: 'local',
      };
    }
    if (!registered) return undefined;
    return {
      type,
      queue: registered.queue,
      priority: registered.priority,
      maxAttempts: registered.retry.maxAttempts,
      ...(registered.requiresScope ? { requiresScope: registered.requiresScope } : {}),
      ...(registered.sensitive?.length ? { sensitive: registered.sensitive } : {}),
      source: 'registry',
      registered,
    };
  }

  /**
   * Checks input for `type` as a submit would, and returns it as it will be queued
   * (defaults filled in). Throws UnknownTaskError or InvalidInputError (issues in `details`).
   */
  async validate(type: string, input: unknown): Promise<unknown> {
    const task = await this.resolveTask(type);
    if (!task) throw new UnknownTaskError(type);
    return this.validateFor(task, input);
  }

  private validateFor(task: SubmittableTask, input: unknown): unknown {
    if (task.source === 'local') return this.validateInput(task.type, input);
    const { value, issues } = this.schemas.check(task.registered as RegisteredTask, input);
    if (issues.length) throw invalidInput(task.type, issues);
    return value;
  }

  queueFor(type: string, override?: string): string {
    const task = this.task(type);
    return override ?? this.options.routes?.[type] ?? task?.queue ?? 'default';
  }

  /** Validates, records and queues one job. Nothing is queued when validation fails. */
  async enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    return this.submit(await this.routeGpu(await this.prepare(request), request.queue), request);
  }

  /**
   * Many jobs, all validated before any is written (one bad item changes nothing), then
   * each submitted exactly as `enqueue` does — delays, idempotency keys and all —
   * concurrently, so the writes are pipelined on the connection.
   */
  async enqueueMany(requests: EnqueueRequest[]): Promise<JobRecord[]> {
    const prepared = await Promise.all(requests.map(async (r) => this.routeGpu(await this.prepare(r), r.queue)));
    return inSpan(
      'send batch',
      { kind: SpanKind.PRODUCER, attributes: { [Attr.messagingSystem]: 'nats', [Attr.messagingOperationName]: 'send' } },
      async () => {
        // At most SUBMIT_WINDOW submits in flight, each next one started as one is
        // answered: a whole batch in flight at once kept every job's objects alive through
        // the young generation's collections, and GC was a third of a bulk submit's CPU.
        const jobs: JobRecord[] = new Array(prepared.length);
        let next = 0;
        const lane = async () => {
          while (next < prepared.length) {
            const i = next++;
            jobs[i] = (await this.submit(prepared[i] as Prepared, requests[i] as EnqueueRequest)).job;
          }
        };
        await Promise.all(Array.from({ length: Math.min(SUBMIT_WINDOW, prepared.length) }, lane));
        return jobs;
      },
    );
  }

  /** The one submission path: idempotency, then the queue message and the record. */
  private async submit(prepared: Prepared, request: EnqueueRequest): Promise<EnqueueResult> {
    const project = prepared.envelope.project;
    if (request.idempotencyKey) {
      const key = idempotencyKvKey(project, request.idempotencyKey);
      try {
        await this.options.buckets.idempotency.create(key, prepared.envelope.id);
      } catch (err) {
        if (isNatsUnavailable(err)) throw err;
        const existing = await this.options.buckets.idempotency.get(key);
        const existingId = existing?.string();
        if (existingId) {
          const stored = await this.store.getWithSeq(existingId);
          if (stored) return { job: await this.resubmit(stored, existing?.created ?? new Date(0)), created: false };
        }
        // The key names a job whose record is not written yet: a concurrent submit with
        // the same key is mid-flight (or answered 503). Take over its id: the queue
        // message is deduplicated by id, so both callers get one job.
        if (existingId) prepared.envelope.id = existingId;
      }
    }
    const job = await this.publish(prepared, initialRecord(prepared.envelope, request.runAt));
    return { job, created: true };
  }

  /**
   * A submit repeated with its idempotency key found the job's record: usually that is
   * the answer. But the first try writes the record and the queue message together, and
   * if it was answered 503 the message may never have landed: a record still as
   * submitted has its message sent again under the same message id (JetStream drops it
   * as a duplicate when the first one landed), and one withdrawn as `notQueued` is
   * submitted again. Only soon after the key was made (`keyCreated`, when the first try
   * sent its message), inside the duplicate window: past it a second message could not
   * be told from the first, and the record is the answer as it stands.
   */
  private async resubmit({ job, seq }: { job: JobRecord; seq: number }, keyCreated: Date): Promise<JobRecord> {
    const withdrawn = isNotQueued(job);
    if ((!withdrawn && !isAsSubmitted(job)) || Date.now() - keyCreated.getTime() > RESEND_WITHIN_MS) return job;
    const envelope = JobEnvelope.parse(job);
    const prepared = { envelope, subject: jobsSubject(envelope.queue, bandFor(envelope.priority)) };
    if (!withdrawn) {
      // A delayed job's first message went to the delayed stream, even once released.
      await this.sendMessage(prepared, job.runAt ? { ...job, status: 'scheduled' } : job);
      return job;
    }
    return this.publish(prepared, initialRecord(envelope, job.runAt ? new Date(job.runAt) : undefined), { expectSeq: seq });
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.store.get(id);
  }

  /**
   * Cancels a job. A queued one is marked cancelled at once (the worker skips it when
   * it comes up); a running one gets its AbortSignal fired by the worker that holds it.
   */
  async cancel(id: string): Promise<JobRecord> {
    let conflict: JobRecord | undefined;
    // The record changes first (compare-and-set against the worker's writes), then the
    // cancel is announced: a worker that sees the announcement always finds the record ready.
    const next = await this.store.update(id, (job) => {
      if (isTerminal(job.status)) {
        conflict = job;
        return undefined;
      }
      if (job.status === 'running') return { ...job, cancelRequested: true };
      return cancelled(job);
    });
    if (!next) throw new NotFoundError(`job ${id}`);
    if (conflict) throw new ConflictError(`job ${id} is already ${conflict.status}`);
    await this.ctx.js.publish(cancelSubject(id), encoder.encode(JSON.stringify({ id, at: new Date().toISOString() })));
    return next;
  }

  // ---- dead letters ----

  async writeDeadLetter(dead: DeadLetter): Promise<void> {
    await this.ctx.js.publish(dlqSubject(dead.job.queue, dead.job.id), encoder.encode(JSON.stringify(dead)), {
      msgID: `dlq:${dead.job.id}:${dead.deadAt}`,
    });
  }

  async listDeadLetters(queue?: string, limit = 100): Promise<DeadLetter[]> {
    const filter = queue ? `dlq.${queue}.*` : 'dlq.>';
    const info = await this.ctx.jsm.streams.info(DLQ_STREAM, { subjects_filter: filter });
    const subjects = Object.keys(info.state.subjects ?? {})
      .sort()
      .reverse()
      .slice(0, limit);
    const dead = await Promise.all(subjects.map((s) => this.readDeadLetter(s)));
    return dead.filter((d): d is DeadLetter => d !== undefined);
  }

  async getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    const subject = await this.deadLetterSubject(id);
    return subject ? this.readDeadLetter(subject) : undefined;
  }

  /**
   * Queues a dead job again under the same id, its attempts reset, optionally with new
   * input, time limit or attempt budget (each validated as at submit).
   */
  async requeueDeadLetter(id: string, patch: DeadLetterPatch = {}): Promise<JobRecord> {
    const subject = await this.deadLetterSubject(id);
    const stored = subject ? await this.readDeadLetterWithSeq(subject) : undefined;
    if (!subject || !stored) throw new NotFoundError(`dead letter ${id}`);
    const { dead, seq } = stored;
    const envelope: JobEnvelope = {
      ...dead.job,
      input: patch.input === undefined ? dead.job.input : await this.validate(dead.job.type, patch.input),
    };
    if (patch.timeoutMs !== undefined) envelope.timeoutMs = patch.timeoutMs;
    if (patch.maxAttempts !== undefined) envelope.maxAttempts = patch.maxAttempts;
    const current = await this.store.getWithSeq(id);
    const sensitive = (await this.resolveTask(envelope.type))?.sensitive;
    const job = await this.publish(
      { envelope, subject: jobsSubject(envelope.queue, bandFor(envelope.priority)), sensitive },
      requeued(envelope),
      {
        dedupeSuffix: `requeue:${Date.now()}`,
        expectSeq: current?.seq ?? 0,
        recordFirst: true,
      },
    );
    // Only the dead letter read above (and older ones) go: a requeued job that failed
    // again at once may already have a new dead letter on the same subject.
    await this.ctx.jsm.streams.purge(DLQ_STREAM, { filter: subject, seq: seq + 1 });
    return job;
  }

  async deleteDeadLetter(id: string): Promise<void> {
    const subject = await this.deadLetterSubject(id);
    if (!subject) throw new NotFoundError(`dead letter ${id}`);
    await this.ctx.jsm.streams.purge(DLQ_STREAM, { filter: subject });
  }

  /** Every dead letter (of one queue, when given) with its DLQ stream sequence. */
  async scanDeadLetters(queue?: string): Promise<{ dead: DeadLetter; seq: number }[]> {
    const filter = queue ? `dlq.${queue}.*` : 'dlq.>';
    const info = await this.ctx.jsm.streams.info(DLQ_STREAM, { subjects_filter: filter });
    const subjects = Object.keys(info.state.subjects ?? {});
    const stored: { dead: DeadLetter; seq: number }[] = [];
    // Direct gets in slices, pipelined on the connection: one round trip per slice.
    for (let i = 0; i < subjects.length; i += DLQ_READ_SLICE) {
      const slice = await Promise.all(subjects.slice(i, i + DLQ_READ_SLICE).map((s) => this.readDeadLetterWithSeq(s)));
      for (const s of slice) if (s) stored.push(s);
    }
    return stored;
  }

  /**
   * Requeues or discards every dead letter the selection matches (oldest first, at most
   * `limit`), or with `dryRun` only says which would go. A requeue goes through
   * `requeueDeadLetter` (so it removes only the dead letter it read); a discard removes
   * the letter read and older ones on its subject, never one that arrived after.
   * `mayRequeue` refuses task types the caller may not submit (their items fail FORBIDDEN).
   */
  async bulkDeadLetters(action: 'requeue' | 'discard', request: BulkDeadLetterRequest): Promise<BulkDlqResponse> {
    const { letters, truncated } = selectDeadLetters(await this.scanDeadLetters(request.filter.queue), request);
    const response: BulkDlqResponse = { action, dryRun: request.dryRun, matched: letters.length, done: 0, failed: 0, truncated, items: [] };
    const allowed = new Map<string, boolean>();
    for (const type of new Set(letters.map((l) => l.dead.job.type))) {
      allowed.set(type, action === 'discard' || !request.mayRequeue || (await request.mayRequeue(type)));
    }
    const act = async ({ dead, seq }: { dead: DeadLetter; seq: number }): Promise<BulkDlqItem> => {
      if (!allowed.get(dead.job.type)) {
        return {
          ...bulkItem(dead, 'failed'),
          error: { code: 'FORBIDDEN', message: `task type ${dead.job.type} needs a scope this key lacks` },
        };
      }
      if (request.dryRun) return bulkItem(dead, 'matched');
      try {
        if (action === 'requeue') await this.requeueDeadLetter(dead.job.id);
        else await this.ctx.jsm.streams.purge(DLQ_STREAM, { filter: dlqSubject(dead.job.queue, dead.job.id), seq: seq + 1 });
        return bulkItem(dead, action === 'requeue' ? 'requeued' : 'discarded');
      } catch (err) {
        if (isNatsUnavailable(err)) throw err;
        return bulkItem(dead, 'failed', err);
      }
    };
    for (let i = 0; i < letters.length; i += DLQ_ACT_SLICE) {
      response.items.push(...(await Promise.all(letters.slice(i, i + DLQ_ACT_SLICE).map(act))));
    }
    for (const item of response.items) {
      if (item.outcome === 'failed') response.failed += 1;
      else if (item.outcome !== 'matched') response.done += 1;
    }
    return response;
  }

  // ---- internals ----

  private async deadLetterSubject(id: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9-]+$/.test(id)) return undefined;
    const info = await this.ctx.jsm.streams.info(DLQ_STREAM, { subjects_filter: `dlq.*.${id}` });
    return Object.keys(info.state.subjects ?? {})[0];
  }

  private async readDeadLetter(subject: string): Promise<DeadLetter | undefined> {
    return (await this.readDeadLetterWithSeq(subject))?.dead;
  }

  private async readDeadLetterWithSeq(subject: string): Promise<{ dead: DeadLetter; seq: number } | undefined> {
    const stored = await this.ctx.jsm.direct.getMessage(DLQ_STREAM, { last_by_subj: subject });
    return stored ? { dead: DeadLetter.parse(stored.json()), seq: stored.seq } : undefined;
  }

  // ---- sensitive inputs ----

  private sealInput(envelope: JobEnvelope, paths: readonly string[]): unknown {
    if (!this.options.cipher) throw new EncryptionKeyMissingError(envelope.type);
    return this.options.cipher.seal(envelope.input, paths, { jobId: envelope.id, type: envelope.type });
  }

  /**
   * The job's input with its sealed fields opened: what a worker hands its handler, and
   * nothing else should see. Throws DecryptionError (permanent) when a key is missing
   * or a ciphertext was altered; input without sealed fields comes back as it is.
   */
  openInput(envelope: JobEnvelope): unknown {
    if (!containsSealed(envelope.input)) return envelope.input;
    if (!this.options.cipher) throw new DecryptionError('the job has encrypted input fields and this worker has no REELAY_ENCRYPTION_KEY');
    return this.options.cipher.open(envelope.input, envelope.id);
  }

  /** Checks input against the zod definition this process holds (sync; see `validate` for every type). */
  validateInput(type: string, input: unknown): unknown {
    const task = this.task(type);
    if (!task) throw new UnknownTaskError(type);
    const parsed = task.input.safeParse(input ?? {});
    if (!parsed.success) {
      throw invalidInput(
        type,
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    return parsed.data;
  }

  private async prepare(request: EnqueueRequest): Promise<Prepared> {
    const task = await this.resolveTask(request.type);
    if (!task) throw new UnknownTaskError(request.type);
    const input = this.validateFor(task, request.input);
    // Refused here, before the idempotency key or anything else is written: without a
    // key the fields cannot be sealed, and they are never stored in clear.
    if (task.sensitive?.length && this.options.cipher?.keyId === undefined) throw new EncryptionKeyMissingError(request.type);
    const priority = request.priority ?? task.priority;
    if (!Number.isInteger(priority) || priority < 0 || priority > 10) {
      throw new InvalidInputError('priority must be an integer from 0 to 10');
    }
    const queue = request.queue ?? this.options.routes?.[request.type] ?? task.queue;
    const envelope: JobEnvelope = {
      id: newJobId(),
      type: request.type,
      queue,
      input,
      priority,
      project: request.project ?? this.options.defaultProject ?? 'default',
      maxAttempts: request.maxAttempts ?? task.maxAttempts,
      createdAt: isoNow(),
    };
    if (request.timeoutMs !== undefined) envelope.timeoutMs = request.timeoutMs;
    if (request.idempotencyKey !== undefined) envelope.idempotencyKey = request.idempotencyKey;
    if (request.labels !== undefined) envelope.labels = request.labels;
    if (request.workflowId !== undefined) envelope.workflowId = request.workflowId;
    if (request.stepId !== undefined) envelope.stepId = request.stepId;
    if (request.batchId !== undefined) envelope.batchId = request.batchId;
    return { envelope, subject: jobsSubject(queue, bandFor(priority)), sensitive: task.sensitive };
  }

  /**
   * Media jobs say where they may run: `gpu: "required"` goes to media-gpu, `"never"` to
   * media, and `"preferred"` to media-gpu only while a live worker serves it (heartbeats
   * in KV `workers`, checked at most every few seconds) — otherwise it would wait there
   * for a GPU that does not exist.
   */
  private async routeGpu(prepared: Prepared, explicitQueue?: string): Promise<Prepared> {
    const gpu = (prepared.envelope.input as { gpu?: unknown } | undefined)?.gpu;
    if (explicitQueue || prepared.envelope.queue !== 'media' || typeof gpu !== 'string') return prepared;
    const useGpu = gpu === 'required' || (gpu === 'preferred' && (await this.gpuWorkerAlive()));
    if (!useGpu) return prepared;
    prepared.envelope.queue = 'media-gpu';
    return { ...prepared, subject: jobsSubject('media-gpu', bandFor(prepared.envelope.priority)) };
  }

  private gpuCheck: { at: number; alive: boolean } | undefined;
  private async gpuWorkerAlive(): Promise<boolean> {
    if (this.gpuCheck && Date.now() - this.gpuCheck.at < 5_000) return this.gpuCheck.alive;
    let alive = false;
    for (const key of await uniqueKeys(this.options.buckets.workers)) {
      const entry = await this.options.buckets.workers.get(key);
      if (entry?.operation === 'PUT' && (entry.json() as { queues?: string[] }).queues?.includes('media-gpu')) alive = true;
    }
    this.gpuCheck = { at: Date.now(), alive };
    return alive;
  }

  /**
   * The queue message and the record, in flight together. The record is written
   * compare-and-set against the job's last event (none, for a new job): a worker that
   * takes the job before the record lands has written `running` first, and the late
   * `queued` loses the compare-and-set and is dropped, never overtaking a newer state.
   * When the message fails, a record that landed is withdrawn (`notQueued`, again
   * compare-and-set, so a worker's state still wins), so an answer of 503 leaves no job
   * `queued` whose message never landed; where even that cannot be written, a retry
   * with the idempotency key sends the message again (`resubmit`).
   *
   * A requeue from the DLQ keeps the old order (message, then record): its record's
   * previous state, the dead job's, must survive a requeue that fails.
   */
  private async publish(
    prepared: Prepared,
    record: JobRecord,
    opts: { dedupeSuffix?: string; expectSeq?: number; recordFirst?: boolean } = {},
  ): Promise<JobRecord> {
    const { envelope } = prepared;
    if (prepared.sensitive?.length) {
      // Sealed here, once the id is final (an idempotency key may have swapped it): the
      // id is part of each ciphertext's authenticated data.
      envelope.input = this.sealInput(envelope, prepared.sensitive);
      record.input = envelope.input;
    }
    return this.inSendSpan(prepared, record, async () => {
      const recordOptions = { headers: injectTrace(natsHeaders()), expectSeq: opts.expectSeq ?? 0 };
      if (opts.recordFirst) return this.requeueRecordFirst(prepared, record, recordOptions, opts.dedupeSuffix);
      const [sent, written] = await Promise.allSettled([
        this.sendMessage(prepared, record, opts.dedupeSuffix),
        this.store.writeRecord(record, recordOptions),
      ]);
      if (sent.status === 'rejected') {
        if (written.status === 'fulfilled') await this.withdraw(written.value.job, written.value.ack.seq);
        throw sent.reason;
      }
      return written.status === 'fulfilled' ? written.value.job : ifOvertaken(written.reason, record);
    });
  }

  /**
   * A requeue of a finished job: its `queued` record first, then the message, so no worker
   * can take the message and read the old run's end (it would take the job for done and
   * drop it). The dead run's own last writes (its `failed`, landing after the record was
   * read) may overtake the compare-and-set: the record is read again and, while it is
   * still finished, written over. A record that is queued or running by then is another
   * requeue's: it is answered, and no second message is sent. A message that cannot be
   * sent withdraws the record (not queued), as a submit does.
   */
  private async requeueRecordFirst(
    prepared: Prepared,
    record: JobRecord,
    recordOptions: { headers: ReturnType<typeof natsHeaders>; expectSeq: number },
    dedupeSuffix: string | undefined,
  ): Promise<JobRecord> {
    let expectSeq = recordOptions.expectSeq;
    let written: Awaited<ReturnType<JobStore['writeRecord']>> | undefined;
    for (let attempt = 1; !written; attempt++) {
      try {
        written = await this.store.writeRecord(record, { ...recordOptions, expectSeq });
      } catch (err) {
        if (!isWrongLastSequence(err) || attempt >= REQUEUE_WRITE_ATTEMPTS) throw err;
        const current = await this.store.getWithSeq(record.id);
        if (current && !isTerminal(current.job.status)) return current.job;
        expectSeq = current?.seq ?? 0;
      }
    }
    try {
      await this.sendMessage(prepared, record, dedupeSuffix);
    } catch (err) {
      await this.withdraw(written.job, written.ack.seq);
      throw err;
    }
    return written.job;
  }

  /** The queue message (or, for a delayed job, its delayed message); the message id is the job id. */
  private async sendMessage(prepared: Prepared, record: JobRecord, dedupeSuffix?: string): Promise<void> {
    const { envelope } = prepared;
    // One header set per publish: the publisher writes msgID into it.
    const messageHeaders = injectTrace(natsHeaders());
    if (record.status === 'scheduled') messageHeaders.set(RUN_AT_HEADER, record.runAt ?? '');
    const msgID = dedupeSuffix ? `${envelope.id}:${dedupeSuffix}` : envelope.id;
    await streamPublisher(this.ctx.nc).publish(messageSubject(prepared, record), Buffer.from(JSON.stringify(envelope)), {
      msgID,
      headers: messageHeaders,
    });
  }

  /**
   * Best effort, bounded: the caller is answering 503 already. A worker that wrote first
   * (the message landed after all) wins the compare-and-set; NATS away leaves the record
   * to `resubmit`.
   */
  private async withdraw(job: JobRecord, seq: number): Promise<void> {
    try {
      await this.store.writeRecord(notQueued(job), { expectSeq: seq, timeoutMs: WITHDRAW_TIMEOUT_MS });
    } catch {
      // See above: nothing more to do here.
    }
  }

  private inSendSpan<T>(prepared: Prepared, record: JobRecord, send: () => Promise<T>): Promise<T> {
    const { envelope } = prepared;
    return inSpan(
      `send ${envelope.queue}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [Attr.messagingSystem]: 'nats',
          [Attr.messagingOperationType]: 'send',
          [Attr.messagingOperationName]: 'send',
          [Attr.messagingDestination]: messageSubject(prepared, record),
          [Attr.messagingMessageId]: envelope.id,
          [Attr.jobId]: envelope.id,
          [Attr.jobType]: envelope.type,
        },
      },
      async () => {
        const traceId = currentTraceId();
        if (traceId) {
          envelope.traceId = traceId;
          record.traceId = traceId;
        }
        return send();
      },
    );
  }
}

/** A record write that lost its compare-and-set: a worker (or the releaser) wrote first, and its state is newer than ours. */
/** A requeue's record write, tried again while only the dead run's own last writes overtake it. */
const REQUEUE_WRITE_ATTEMPTS = 5;

function ifOvertaken(err: unknown, record: JobRecord): JobRecord {
  if (!isWrongLastSequence(err)) throw err;
  return record;
}

function messageSubject(prepared: Prepared, record: JobRecord): string {
  return record.status === 'scheduled' ? delayedSubject(prepared.envelope.id) : prepared.subject;
}

function invalidInput(type: string, issues: { path: string; message: string }[]): InvalidInputError {
  return new InvalidInputError(
    `invalid input for ${type}: ${issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}`,
    issues,
  );
}

export function idempotencyKvKey(project: string, key: string): string {
  return `${project.replace(/[^A-Za-z0-9_-]/g, '_')}.${createHash('sha256').update(key).digest('hex')}`;
}
