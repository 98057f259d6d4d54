import { DEFAULT_RETRY_POLICY, ErrorCode, isTerminal, type JobEnvelope, type JobRecord, type TaskDefinition } from '@reelay/contracts';
import { context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { changed, initialRecord, withLostAttempt } from '../jobs/job-record.js';
import type { Logger } from '../logging/logger.js';
import type { JobMessage } from '../nats/job-message.js';
import type { ChildProcesses } from '../process/child-processes.js';
import { Attr } from '../telemetry/attributes.js';
import { extractTrace, tracer } from '../telemetry/tracing.js';
import type { Handler } from './job-context.js';
import { Attempt, type AttemptNext } from './run-attempt.js';
import type { AttemptOutcome } from './settle.js';
import type { Settler } from './settle-attempt.js';
import type { TempDirs } from './temp-dirs.js';
import type { RecordStore } from './worker-jobs.js';

export interface JobDeliveryDeps {
  /** The worker's service name, for the unknown-task error. */
  service: string;
  store: RecordStore;
  settler: Settler;
  tempDirs: TempDirs;
  logger: Logger;
  /** The composed links around the handler (worker.ts). */
  run: AttemptNext;
  /** The task definition and handler for a type, when this worker has both. */
  lookup(type: string): { task: TaskDefinition; handler: Handler } | undefined;
  cancellations: { has(id: string): boolean };
  /**
   * For a redelivery whose record says `running` on another worker: whether that worker
   * says the job is still in its hands (worker-control.ts `workerHolds`).
   */
  heldElsewhere(record: JobRecord): Promise<boolean> | boolean;
  progressThrottleMs: number;
}

/** What the worker holds for a job it runs: its abort signal and its children. */
export interface RunningJob {
  abort: AbortController;
  children: ChildProcesses;
  /** Called once the handler has returned and only the settling writes remain. */
  handlerDone?: () => void;
}

/**
 * One delivery of a job message, from its consumer span to its settlement: the checks
 * that need no task (finished already, cancelled, past its last attempt, no handler),
 * then the attempt through its links, then settle.ts's decision carried out. Every path
 * ends in the settler; none answers the message itself.
 */
export class JobDelivery {
  constructor(private readonly deps: JobDeliveryDeps) {}

  async process(message: JobMessage, envelope: JobEnvelope, job: RunningJob): Promise<void> {
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
      await context.with(trace.setSpan(parent, span), () => this.deliver(message, envelope, job, span));
    } finally {
      span.end();
    }
  }

  private async deliver(message: JobMessage, envelope: JobEnvelope, job: RunningJob, span: Span): Promise<void> {
    const { settler, logger } = this.deps;
    const before = (record: JobRecord, outcome: AttemptOutcome) =>
      settler.settle({ message, envelope, record, attempt: 0, policy: DEFAULT_RETRY_POLICY, span, log: logger }, outcome);

    const delivery = message.delivery.deliveryCount;
    let record: JobRecord = initialRecord(envelope);
    if (delivery > 1) {
      // Only redeliveries read the record: the first delivery's state is the envelope.
      record = (await this.deps.store.get(envelope.id)) ?? record;
      // Finished already (an ack that was lost, or cancelled while queued).
      if (isTerminal(record.status)) return before(record, { kind: 'finished-already' });
      // Redelivered while the worker running it is alive and keeping it (a consumer leader
      // moving in a cluster, a settling write waiting out an outage): not a lost worker.
      if (record.status === 'running' && (await this.deps.heldElsewhere(record))) return before(record, { kind: 'held-elsewhere' });
    }
    if (this.deps.cancellations.has(envelope.id) || record.status === 'cancelled') return before(record, { kind: 'cancelled' });
    const attempt = delivery - record.freeRedeliveries;
    const errors = withLostAttempt(record);
    if (attempt > envelope.maxAttempts) {
      if (!errors.some((e) => e.attempt === envelope.maxAttempts)) {
        // The last attempt died before it could even record that it was running.
        errors.push({
          attempt: envelope.maxAttempts,
          at: new Date().toISOString(),
          code: ErrorCode.WORKER_LOST,
          message: 'the worker died running this attempt',
          retryable: true,
        });
      }
      return before(changed(record, { errors }), {
        kind: 'deliveries-exhausted',
        error: {
          code: ErrorCode.WORKER_LOST,
          message: `gave up after ${envelope.maxAttempts} attempt(s); the last ones never answered (the worker died running them)`,
          retryable: false,
        },
      });
    }
    const target = this.deps.lookup(envelope.type);
    if (!target) {
      return before(changed(record, { errors }), {
        kind: 'unknown-task',
        error: {
          code: ErrorCode.UNKNOWN_TASK,
          message: `no handler for task type "${envelope.type}" in ${this.deps.service}`,
          retryable: false,
        },
      });
    }

    const run = new Attempt({
      message,
      envelope,
      task: target.task,
      handler: target.handler,
      attempt,
      abort: job.abort,
      children: job.children,
      span,
      tempDir: this.deps.tempDirs.forAttempt(envelope.id, attempt),
      record: changed(record, { errors }),
      log: logger,
      store: this.deps.store,
      progressThrottleMs: this.deps.progressThrottleMs,
    });
    const outcome = await this.deps.run(run);
    job.handlerDone?.();
    await settler.settle(
      { message, envelope, record: run.record, attempt, policy: target.task.retry, span, log: run.log, runningWrite: run.runningWrite },
      outcome,
    );
  }
}
