import { ERROR_STEP_ID, ErrorCode, type JobRecord, type WireError, type WorkflowRecord } from '@reelay/contracts';
import { toWireError } from '../errors.js';
import { type EnqueueRequest, InvalidInputError, type JobClient } from '../jobs/job-client.js';
import { context, contextFromCarrier } from '../telemetry/tracing.js';
import { referencedSteps, resolveStepInput, type StepOutput, UnresolvedRefError } from './step-input.js';
import type { WorkflowStore } from './workflow-store.js';
import { advance, applyJobOutcome, errorStepFailure, markQueued, markUnqueueable, stepJobKey, stepsDue } from './workflow-plan.js';

const now = () => new Date().toISOString();

/**
 * Executes the plan: queues the steps that became ready (inputs resolved, inside the
 * workflow's trace) and writes the record back with compare-and-set. Step jobs carry
 * the idempotency key `${workflowId}:${stepId}:${run}`, so when a write loses a race or
 * an event is redelivered, queueing again names the job already queued.
 *
 * A job is queued only for a state the record already holds: its step (or the error
 * step) waiting in the current run. A quick job can finish, and its event be handled,
 * before the write that marks it queued lands — a retry's new run, an error step, a
 * second scheduler replica — and that event must find its step (`isCurrentJob`). So a
 * change is written with its plan first (outcomes applied; failed, skipped or finished;
 * a retry's new run; the error step waiting), and each round of ready steps is queued
 * and marked in a write of its own.
 */
export class WorkflowDriver {
  constructor(
    private readonly jobs: JobClient,
    private readonly store: WorkflowStore,
  ) {}

  /**
   * A step job changed state; terminal states move its workflow on, and a failed step's
   * job alive again (requeued from the DLQ) reopens the step. The job's latest record
   * decides, not the event's copy: an event redelivered late (a nak after a hiccup) must
   * not bring back a state the job has left, such as "running" after it failed.
   */
  async onJob(event: JobRecord): Promise<WorkflowRecord | undefined> {
    if (!event.workflowId || !event.stepId) return undefined;
    const job = (await this.jobs.get(event.id)) ?? event;
    const known = new Map([[job.id, job]]);
    return this.update(event.workflowId, async (record) => applyJobOutcome(record, job, now()), known);
  }

  /** Re-reads a workflow's in-flight jobs and catches up with any outcome the record missed. */
  async reconcile(id: string): Promise<WorkflowRecord | undefined> {
    const known = new Map<string, JobRecord>();
    return this.update(
      id,
      async (record) => {
        const inFlight = [...Object.values(record.steps), ...(record.errorStep ? [record.errorStep] : [])].filter(
          (s) => s.status === 'queued' && s.jobId,
        );
        let next = record;
        for (const state of inFlight) {
          const job = await this.jobs.get(state.jobId as string);
          if (!job) continue;
          known.set(job.id, job);
          next = applyJobOutcome(next, job, now()) ?? next;
        }
        return next;
      },
      known,
    );
  }

  /**
   * Applies `change` (undefined: nothing to change) and moves the workflow on until
   * nothing more is due: the change and its plan in one write, then each round of ready
   * steps, or the error step, queued in the next. Steps are queued even when `change` had
   * nothing to do: a writer stopped between the two writes (queueing failed, the process
   * died) left them due, and the event it did not ack comes back to finish its work.
   * Returns the record as last written or read.
   */
  async update(
    id: string,
    change: (record: WorkflowRecord) => Promise<WorkflowRecord | undefined>,
    known: Map<string, JobRecord> = new Map(),
  ): Promise<WorkflowRecord | undefined> {
    let record = await this.store.update(id, async (current) => {
      const next = await change(current);
      return next && advance(next, now()).record;
    });
    // Each round queues a step (or fails it), so the steps and the error step bound the
    // rounds; the bound holds even for a record no writer of ours made (no spin).
    for (let round = 0; record && stepsDue(record) && round <= record.spec.steps.length + 1; round++) {
      record = await this.store.update(id, (current) => this.queueDue(current, known));
    }
    return record;
  }

  /**
   * One round on a record as stored: its plan, if the record lacks it, is written
   * before anything is queued; otherwise the steps it names ready (or its error step)
   * are queued and marked, and the result planned again for the next round.
   */
  private async queueDue(record: WorkflowRecord, known: Map<string, JobRecord>): Promise<WorkflowRecord | undefined> {
    const { record: planned, ready, errorStepDue } = advance(record, now());
    if (planned !== record) return planned;
    if (!ready.length && !errorStepDue) return undefined;
    let next = record;
    for (const stepId of ready) next = await this.queueStep(next, stepId, known);
    if (errorStepDue) next = await this.queueErrorStep(next);
    return advance(next, now()).record;
  }

  private async queueStep(record: WorkflowRecord, stepId: string, known: Map<string, JobRecord>): Promise<WorkflowRecord> {
    const step = record.spec.steps.find((s) => s.id === stepId);
    if (!step) return record;
    const outputs = new Map<string, StepOutput>();
    for (const upstream of referencedSteps(step.input)) {
      const jobId = record.steps[upstream]?.jobId;
      const job = jobId ? (known.get(jobId) ?? (await this.jobs.get(jobId))) : undefined;
      if (job) outputs.set(upstream, { jobId: job.id, result: job.result });
    }
    let input: unknown;
    try {
      input = resolveStepInput(step.input ?? {}, (id) => outputs.get(id));
    } catch (err) {
      if (err instanceof UnresolvedRefError) return markUnqueueable(record, stepId, errorStepFailure(err.message), now());
      throw err;
    }
    const request: EnqueueRequest = { type: step.type, input, project: record.project };
    if (step.priority !== undefined) request.priority = step.priority;
    if (step.maxAttempts !== undefined) request.maxAttempts = step.maxAttempts;
    if (step.timeoutMs !== undefined) request.timeoutMs = step.timeoutMs;
    return this.enqueue(record, stepId, request);
  }

  private async queueErrorStep(record: WorkflowRecord): Promise<WorkflowRecord> {
    const onError = record.spec.onError;
    if (!onError) return record;
    const failedStep = record.failedStep ?? '';
    const error: WireError = record.steps[failedStep]?.error ?? {
      code: ErrorCode.CANCELLED,
      message: `step ${failedStep} was cancelled`,
      retryable: false,
    };
    const request: EnqueueRequest = {
      type: onError.type,
      input: { ...(onError.input ?? {}), workflowId: record.id, failedStep, error },
      project: record.project,
    };
    if (onError.priority !== undefined) request.priority = onError.priority;
    if (onError.maxAttempts !== undefined) request.maxAttempts = onError.maxAttempts;
    return this.enqueue(record, ERROR_STEP_ID, request);
  }

  private async enqueue(record: WorkflowRecord, stepId: string, request: EnqueueRequest): Promise<WorkflowRecord> {
    request.workflowId = record.id;
    request.stepId = stepId;
    request.idempotencyKey = stepJobKey(record.id, stepId, record.run);
    try {
      // Inside the submitting request's trace: every step's spans join the workflow's trace.
      const { job } = await context.with(contextFromCarrier(record.trace), () => this.jobs.enqueue(request));
      return markQueued(record, stepId, job.id, now());
    } catch (err) {
      if (err instanceof InvalidInputError) return markUnqueueable(record, stepId, toWireError(err), now());
      throw err;
    }
  }
}
