import {
  ERROR_STEP_ID,
  type JobRecord,
  type StepState,
  type WorkflowRecord,
  type WorkflowStepView,
  type WorkflowView,
} from '@reelay/contracts';

/** Results up to this size are shown whole; larger ones by size and keys. */
const RESULT_INLINE_BYTES = 4_096;

/**
 * What GET /v1/workflows/:id answers: the record joined with its step jobs' live state.
 * Progress weighs every step the same; a step in flight counts its job's progress.
 */
export function workflowView(record: WorkflowRecord, jobs: ReadonlyMap<string, JobRecord>): WorkflowView {
  const steps = record.spec.steps.map((step) => stepView(step.id, step.type, step.dependsOn ?? [], record.steps[step.id], jobs));
  const progress =
    record.status === 'succeeded' ? 100 : steps.reduce((sum, s) => sum + (s.status === 'succeeded' ? 100 : s.progress), 0) / steps.length;
  const view: WorkflowView = {
    id: record.id,
    project: record.project,
    status: record.status,
    run: record.run,
    progress: Math.round(progress * 10) / 10,
    steps,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.spec.name) view.name = record.spec.name;
  if (record.traceId) view.traceId = record.traceId;
  if (record.failedStep) view.failedStep = record.failedStep;
  if (record.finishedAt) view.finishedAt = record.finishedAt;
  if (record.spec.onError && record.errorStep) {
    view.onError = stepView(ERROR_STEP_ID, record.spec.onError.type, [], record.errorStep, jobs);
  }
  return view;
}

function stepView(
  id: string,
  type: string,
  dependsOn: string[],
  state: StepState | undefined,
  jobs: ReadonlyMap<string, JobRecord>,
): WorkflowStepView {
  const job = state?.jobId ? jobs.get(state.jobId) : undefined;
  // While the record says "queued" the job record knows better (running, retrying…).
  const status = state?.status === 'queued' && job ? job.status : (state?.status ?? 'waiting');
  const view: WorkflowStepView = {
    id,
    type,
    dependsOn,
    status,
    attempts: job?.attempts ?? state?.attempts ?? 0,
    progress: status === 'succeeded' ? 100 : (job?.progress ?? 0),
  };
  if (state?.jobId) view.jobId = state.jobId;
  if (job?.stage) view.stage = job.stage;
  const error = state?.error ?? job?.error;
  if (error) view.error = error;
  if (state?.skippedBecause) view.skippedBecause = state.skippedBecause;
  if (job?.result !== undefined) {
    const json = JSON.stringify(job.result);
    if (json.length <= RESULT_INLINE_BYTES) view.result = job.result;
    else {
      const keys = typeof job.result === 'object' && job.result !== null ? Object.keys(job.result) : [];
      view.resultSummary = { bytes: Buffer.byteLength(json), keys };
    }
  }
  return view;
}
