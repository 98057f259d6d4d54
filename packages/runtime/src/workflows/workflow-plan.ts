import { ERROR_STEP_ID, ErrorCode, type JobRecord, type StepState, type WireError, type WorkflowRecord } from '@reelay/contracts';

/**
 * The workflow state machine, pure: what a job outcome does to a workflow record and
 * which steps are due next. The I/O (reading, enqueueing, compare-and-set writes) lives
 * in workflow-driver.ts; keeping this pure lets every rule be unit-tested.
 */

/** The idempotency key of a step's job in one run: a replayed event never queues it twice. */
export function stepJobKey(workflowId: string, stepId: string, run: number): string {
  return `${workflowId}:${stepId}:${run}`;
}

function runOfKey(key: string | undefined): number | undefined {
  const run = key?.split(':').at(-1);
  return run && /^\d+$/.test(run) ? Number(run) : undefined;
}

const TERMINAL_JOB: readonly JobRecord['status'][] = ['succeeded', 'failed', 'cancelled'];

/**
 * Records a step job's news: a finished job, or the failed job of a step back in flight
 * (requeued from the DLQ, see `reopenStep`). Returns undefined when the event changes
 * nothing: not terminal, a duplicate, or a job of an earlier run that a retry replaced.
 */
export function applyJobOutcome(record: WorkflowRecord, job: JobRecord, now: string): WorkflowRecord | undefined {
  if (!job.stepId) return undefined;
  const stepId = job.stepId;
  let current = stepId === ERROR_STEP_ID ? record.errorStep : record.steps[stepId];
  if (!current || !isCurrentJob(record, current, job)) return undefined;
  const alive = job.status !== 'failed' && job.status !== 'cancelled';
  // The engine reads a job's latest record, so a requeued job that failed again before it
  // looked is seen only as failed: a finish later than the recorded one is a new run too.
  const finishedAgain = !alive && !!job.finishedAt && !!current.finishedAt && job.finishedAt > current.finishedAt;
  const reopened = current.status === 'failed' && (alive || finishedAgain) ? reopenStep(record, stepId, job, now) : undefined;
  if (reopened) {
    record = reopened;
    current = stepId === ERROR_STEP_ID ? record.errorStep : record.steps[stepId];
    if (!current) return undefined;
  }
  if (!TERMINAL_JOB.includes(job.status)) return reopened;
  if (current.status !== 'waiting' && current.status !== 'queued') return undefined;
  const done: StepState = {
    ...current,
    status: job.status as StepState['status'],
    jobId: job.id,
    run: runOfKey(job.idempotencyKey) ?? current.run,
    attempts: job.attempts,
    finishedAt: job.finishedAt ?? now,
  };
  if (job.error) done.error = job.error;
  else delete done.error;
  const next = { ...record, updatedAt: now };
  if (stepId === ERROR_STEP_ID) next.errorStep = done;
  else next.steps = { ...record.steps, [stepId]: done };
  return next;
}

/**
 * A failed step whose job is alive again: the dead job was requeued from the DLQ under
 * its id (same job, same run). The step goes back to `queued`, so views show the job's
 * live status, and a workflow that failed resumes in the same run: it is running again
 * and the steps its failure skipped wait again, to run as their dependencies allow (the
 * next `advance` fails it again at once if another step is still failed). The error step
 * has had its one run for this failure and is not queued again. A cancelled workflow
 * stays cancelled: cancel is a decision, a requeue does not overrule it.
 */
function reopenStep(record: WorkflowRecord, stepId: string, job: JobRecord, now: string): WorkflowRecord | undefined {
  if (record.status === 'cancelled' || record.status === 'succeeded') return undefined;
  const current = stepId === ERROR_STEP_ID ? record.errorStep : record.steps[stepId];
  if (!current?.jobId) return undefined;
  const back: StepState = { status: 'queued', run: current.run, jobId: current.jobId, attempts: job.attempts };
  if (stepId === ERROR_STEP_ID) return { ...record, errorStep: back, updatedAt: now };
  const next: WorkflowRecord = { ...record, steps: { ...record.steps, [stepId]: back }, updatedAt: now };
  if (next.status === 'failed') {
    const steps = { ...next.steps };
    for (const [id, state] of Object.entries(steps)) {
      if (state.status === 'skipped') steps[id] = { status: 'waiting', run: state.run, attempts: 0 };
    }
    next.steps = steps;
    next.status = 'running';
    delete next.failedStep;
    delete next.finishedAt;
  }
  return next;
}

/**
 * The job an event is about is the step's current one when the record already names
 * it, or — before the "queued" write has landed — when it was queued for this run.
 */
function isCurrentJob(record: WorkflowRecord, step: StepState, job: JobRecord): boolean {
  if (step.jobId) return step.jobId === job.id;
  return step.status === 'waiting' && runOfKey(job.idempotencyKey) === record.run;
}

export interface Advance {
  record: WorkflowRecord;
  /** Waiting steps whose dependencies have all succeeded, in declaration order. */
  ready: string[];
  /** The workflow has failed and its error step waits to be queued in this run. */
  errorStepDue: boolean;
}

/**
 * Moves a workflow on after its steps changed: fails it at the first failed step (fail
 * fast: nothing new starts, steps already running finish and are kept for a retry),
 * skips what can no longer run, finishes it when every step succeeded, or names the
 * steps that are ready.
 */
export function advance(record: WorkflowRecord, now: string): Advance {
  let next = record;
  if (next.status === 'running') {
    const failed = next.spec.steps.find((s) => ['failed', 'cancelled'].includes(next.steps[s.id]?.status ?? ''));
    if (failed) next = { ...next, status: 'failed', failedStep: failed.id, finishedAt: now, updatedAt: now };
  }
  if (next.status !== 'running') {
    const because = next.status === 'cancelled' ? 'cancelled' : (next.failedStep ?? 'failed');
    let changed = false;
    const steps = { ...next.steps };
    for (const [id, state] of Object.entries(steps)) {
      if (state.status === 'waiting') {
        steps[id] = { ...state, status: 'skipped', skippedBecause: because };
        changed = true;
      }
    }
    if (changed) next = { ...next, steps, updatedAt: now };
    // The error step waits in the record before it is queued, so its outcome event
    // finds it even if it lands before the "queued" write.
    if (next.status === 'failed' && next.spec.onError !== undefined && next.errorStep === undefined) {
      next = { ...next, errorStep: { status: 'waiting', run: next.run, attempts: 0 }, updatedAt: now };
    }
    const errorStepDue = next.status === 'failed' && next.errorStep?.status === 'waiting';
    return { record: next, ready: [], errorStepDue };
  }
  if (next.spec.steps.every((s) => next.steps[s.id]?.status === 'succeeded')) {
    return { record: { ...next, status: 'succeeded', finishedAt: now, updatedAt: now }, ready: [], errorStepDue: false };
  }
  const ready = next.spec.steps
    .filter((s) => next.steps[s.id]?.status === 'waiting')
    .filter((s) => (s.dependsOn ?? []).every((d) => next.steps[d]?.status === 'succeeded'))
    .map((s) => s.id);
  return { record: next, ready, errorStepDue: false };
}

/** The record names steps to queue: ready ones, or its error step (a writer's next write queues them). */
export function stepsDue(record: WorkflowRecord): boolean {
  const { ready, errorStepDue } = advance(record, record.updatedAt);
  return ready.length > 0 || errorStepDue;
}

/** A step's job was queued (or an idempotent enqueue named the one already queued). */
export function markQueued(record: WorkflowRecord, stepId: string, jobId: string, now: string): WorkflowRecord {
  const state: StepState = { status: 'queued', run: record.run, jobId, attempts: 0 };
  if (stepId === ERROR_STEP_ID) return { ...record, errorStep: state, updatedAt: now };
  return { ...record, steps: { ...record.steps, [stepId]: state }, updatedAt: now };
}

/** A step that could not even be queued (a `$ref` that resolves to nothing, input its task refuses). */
export function markUnqueueable(record: WorkflowRecord, stepId: string, error: WireError, now: string): WorkflowRecord {
  const state: StepState = { status: 'failed', run: record.run, attempts: 0, error, finishedAt: now };
  if (stepId === ERROR_STEP_ID) return { ...record, errorStep: state, updatedAt: now };
  return { ...record, steps: { ...record.steps, [stepId]: state }, updatedAt: now };
}

/** Cancels the workflow: nothing new starts; what is queued or running is the caller's to cancel. */
export function cancelRecord(record: WorkflowRecord, now: string): WorkflowRecord {
  return advance({ ...record, status: 'cancelled', finishedAt: now, updatedAt: now }, now).record;
}

/**
 * A retry: a new run in which failed, cancelled and skipped steps wait again. Succeeded
 * steps keep their job and output; steps still in flight keep theirs.
 */
export function retryRecord(record: WorkflowRecord, now: string): WorkflowRecord {
  const steps: WorkflowRecord['steps'] = {};
  for (const [id, state] of Object.entries(record.steps)) {
    steps[id] = ['failed', 'cancelled', 'skipped'].includes(state.status) ? { status: 'waiting', run: state.run, attempts: 0 } : state;
  }
  const next: WorkflowRecord = { ...record, status: 'running', run: record.run + 1, steps, updatedAt: now };
  delete next.failedStep;
  delete next.finishedAt;
  delete next.errorStep;
  return next;
}

export function newRecord(
  fields: Pick<WorkflowRecord, 'id' | 'project' | 'spec' | 'trace'> & { traceId?: string | undefined },
  now: string,
): WorkflowRecord {
  const steps: WorkflowRecord['steps'] = {};
  for (const step of fields.spec.steps) steps[step.id] = { status: 'waiting', run: 0, attempts: 0 };
  const record: WorkflowRecord = {
    id: fields.id,
    project: fields.project,
    spec: fields.spec,
    status: 'running',
    run: 1,
    steps,
    trace: fields.trace,
    createdAt: now,
    updatedAt: now,
  };
  if (fields.traceId) record.traceId = fields.traceId;
  return record;
}

export const errorStepFailure = (message: string, details?: unknown): WireError => ({
  code: ErrorCode.INVALID_INPUT,
  message,
  retryable: false,
  ...(details !== undefined ? { details } : {}),
});
