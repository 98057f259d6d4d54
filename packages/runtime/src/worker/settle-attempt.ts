import { type DeadLetter, JobEnvelope, type JobRecord, type RetryPolicy } from '@reelay/contracts';
import type { Span } from '@opentelemetry/api';
import type { WorkerObserver } from '../health/worker-observer.js';
import { attemptFailed, cancelled, deadLettered, handedBack, succeeded } from '../jobs/job-record.js';
import type { Logger } from '../logging/logger.js';
import type { JobMessage } from '../nats/job-message.js';
import { isNatsUnavailable } from '../nats/nats-errors.js';
import { recordFailure } from '../telemetry/tracing.js';
import { type AttemptOutcome, settle } from './settle.js';
import type { RunningWrite } from './run-attempt.js';
import type { DeadLetterWriter, RecordStore } from './worker-jobs.js';

export interface SettlerDeps {
  store: RecordStore;
  deadLetters: DeadLetterWriter;
  logger: Logger;
  workerId: string;
  /** The consumers' AckWait: settling writes keep the message alive and stay well under it. */
  ackWaitMs: number;
  observer?: WorkerObserver | undefined;
  /** A stopped worker gives up on a write NATS cannot take (the message is redelivered). */
  stopped(): boolean;
}

/** What a settlement acts on: the delivery, and the record as the attempt left it. */
export interface SettleTarget {
  message: JobMessage;
  envelope: JobEnvelope;
  /** The record the next state is built from (read at delivery, or moved on by the attempt). */
  record: JobRecord;
  /** The attempt's number; 0 when none began. */
  attempt: number;
  policy: RetryPolicy;
  span: Span;
  log: Logger;
  /**
   * The attempt's `running` write (run-attempt.ts), still in flight perhaps, or not sent
   * yet: the settling write withdraws it then, and must otherwise end up after it. None
   * when no attempt began.
   */
  runningWrite?: RunningWrite | undefined;
}

/**
 * Carries out what settle.ts decided: the next record through jobs/job-record.ts, a
 * durable write of it, then the one JetStream action. State before ack. The job's run
 * slot was freed when its handler returned (worker.ts); until the ack is sent it counts
 * against the worker's settling bound, so a worker holds at most twice its concurrency
 * in unacknowledged messages (flow control, decision 0002).
 */
export class Settler {
  constructor(private readonly deps: SettlerDeps) {}

  async settle(target: SettleTarget, outcome: AttemptOutcome): Promise<void> {
    const { message, envelope, record, attempt, span, log, runningWrite } = target;
    const { workerId } = this.deps;
    const decision = settle(outcome, attempt, envelope.maxAttempts, target.policy);
    switch (decision.action) {
      case 'none':
        log.info({ job_id: record.id, worker: record.workerId }, 'redelivered while its worker still holds it; left to that worker');
        return;
      case 'ack': {
        if (decision.status === 'unchanged') {
          message.ackNoWait();
          return;
        }
        await this.writeDurably(
          message,
          decision.status === 'succeeded' ? succeeded(record, decision.result) : cancelled(record),
          runningWrite,
        );
        message.ackNoWait();
        log.debug({ status: decision.status }, 'job settled');
        return;
      }
      case 'nak': {
        const { error, delayMs } = decision;
        if (decision.spendsAttempt) {
          recordFailure(span, decision.error);
          await this.writeDurably(message, attemptFailed(record, { attempt, error: decision.error, workerId, delayMs }), runningWrite);
        } else {
          await this.writeDurably(message, handedBack(record, error ? { error, delayMs } : { delayMs }), runningWrite);
        }
        message.nak(delayMs);
        if (error) log.info({ delay_ms: delayMs, err_code: error.code }, 'attempt failed; retrying');
        return;
      }
      case 'dead': {
        const { error, stage } = decision;
        if (stage === 'run') recordFailure(span, error);
        const failed =
          stage === 'delivery'
            ? deadLettered(record, envelope, error)
            : deadLettered(stage === 'start' ? { ...record, attempts: attempt } : record, envelope, error, { attempt, workerId });
        await this.deadLetter(message, failed, decision.reason, runningWrite);
        if (stage === 'run') log.warn({ reason: decision.reason, err_code: error.code, err_message: error.message }, 'job dead-lettered');
        return;
      }
    }
  }

  /** DLQ first, then the record, then term: nothing is lost if we die in between. */
  private async deadLetter(
    message: JobMessage,
    failed: JobRecord,
    reason: DeadLetter['reason'],
    runningWrite?: RunningWrite,
  ): Promise<void> {
    const { error } = failed;
    if (!error) throw new Error(`dead-lettering job ${failed.id} without an error`);
    const envelope = JobEnvelope.parse(failed);
    const dead: DeadLetter = { job: envelope, reason, error, errors: failed.errors, deadAt: failed.finishedAt ?? new Date().toISOString() };
    if (envelope.traceId) dead.traceId = envelope.traceId;
    await this.deps.deadLetters.writeDeadLetter(dead);
    await this.writeDurably(message, failed, runningWrite);
    await message.term();
  }

  /**
   * A settling write (final state, retry, hand-back) that must land before the message
   * is answered: while NATS cannot take it (a restart, a leader election) it is retried,
   * and the message is kept alive meanwhile, so a job that finished is never run again
   * because its final write timed out. Records are whole snapshots: writing one twice
   * is harmless. Other errors, and a stopped worker, give up: the message is then
   * redelivered after AckWait.
   *
   * A `running` write that has not left yet (the handler returned within the turn it
   * started in) is withdrawn: this record then is the attempt's only one, and holds its
   * start (attempts, startedAt, workerId) as well. A quick job costs one record write, not
   * two (docs/benchmarks.md, issue 12), as Temporal writes an activity's started event
   * only with its completion.
   *
   * Otherwise it goes out at once, not after the attempt's `running` write has been
   * answered: both leave on this connection in order and the stream stores them in that
   * order, so settling waits for no round trip of the running write's (docs/benchmarks.md,
   * issue 12). That order is checked, not assumed: once the running write has settled, its
   * sequence must be below this one's. When it is not, or the running write failed (timed
   * out in a broker failover, it may still be stored by the stream's next leader), this
   * record is written again, so it is the job's last event either way.
   */
  private async writeDurably(message: JobMessage, record: JobRecord, runningWrite?: RunningWrite): Promise<void> {
    const { ackWaitMs } = this.deps;
    // The attempt's own in-progress acks stopped with its handler: keep the message ours
    // while the write waits out a disconnect, or AckWait hands the job to another worker
    // and a finished job runs twice (with WORKER_LOST in its history).
    const keepAlive = setInterval(() => message.working(), Math.max(500, Math.floor(ackWaitMs / 3)));
    // Withdrawn before this record is queued, in the same turn: it is not sent at all.
    const running = runningWrite && !runningWrite.withdraw() ? runningWrite.landed : undefined;
    try {
      const seq = await this.writeUntilStored(message, record);
      if (running) {
        const runningSeq = await running;
        if (runningSeq === undefined || runningSeq > seq) {
          this.deps.logger.info(
            { job_id: record.id, status: record.status, running_seq: runningSeq, seq },
            'the running record may have landed after the settling one; writing the settling one again',
          );
          await this.writeUntilStored(message, record);
        }
      }
      this.deps.observer?.recorded(record);
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** One record, retried while NATS cannot take it; resolves with its stream sequence. */
  private async writeUntilStored(message: JobMessage, record: JobRecord): Promise<number> {
    const { ackWaitMs, store } = this.deps;
    // Each try is bounded well under AckWait, so a write stuck on a dead connection is
    // retried on the new one instead of holding the job past its AckWait.
    const timeoutMs = Math.max(1_000, Math.min(5_000, Math.floor(ackWaitMs / 2)));
    for (let retry = 0; ; retry++) {
      try {
        return (await store.write(record, { timeoutMs })).seq;
      } catch (err) {
        if (!isNatsUnavailable(err) || this.deps.stopped()) throw err;
        if (retry % 10 === 0)
          this.deps.logger.warn({ err, job_id: record.id, status: record.status }, 'recording the job state failed; retrying');
        message.working();
        await sleep(Math.min(2_000, 100 * 2 ** Math.min(retry, 5)));
      }
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
