import type { JobRecord, WorkflowRecord, WorkflowSpec } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { advance, applyJobOutcome, cancelRecord, markQueued, newRecord, retryRecord, stepJobKey } from './workflow-plan.js';

const NOW = '2025-01-01T00:00:00.000Z';
const spec: WorkflowSpec = {
  steps: [
    { id: 'a', type: 'system.noop' },
    { id: 'b', type: 'system.noop' },
    { id: 'c', type: 'system.noop', dependsOn: ['a', 'b'] },
  ],
  onError: { type: 'system.noop' },
};

const start = (): WorkflowRecord => newRecord({ id: 'wf', project: 'p', spec, trace: {} }, NOW);

function finished(stepId: string, status: JobRecord['status'], run = 1, id = `job-${stepId}-${run}`): JobRecord {
  return {
    id,
    type: 'system.noop',
    queue: 'system',
    input: {},
    priority: 5,
    project: 'p',
    maxAttempts: 1,
    createdAt: NOW,
    updatedAt: NOW,
    workflowId: 'wf',
    stepId,
    idempotencyKey: stepJobKey('wf', stepId, run),
    status,
    progress: 100,
    attempts: 1,
    freeRedeliveries: 0,
    errors: [],
    ...(status === 'failed' ? { error: { code: 'TRANSIENT', message: 'boom', retryable: true } } : {}),
  };
}

/** Queues what is ready, as the driver would, and returns the record. */
function queueReady(record: WorkflowRecord): WorkflowRecord {
  const { record: next, ready } = advance(record, NOW);
  return ready.reduce((r, id) => markQueued(r, id, `job-${id}-${r.run}`, NOW), next);
}

describe('the workflow plan', () => {
  it('steps without dependencies are ready first; the join waits for all of them', () => {
    let record = queueReady(start());
    expect(Object.fromEntries(Object.entries(record.steps).map(([k, v]) => [k, v.status]))).toEqual({
      a: 'queued',
      b: 'queued',
      c: 'waiting',
    });
    record = applyJobOutcome(record, finished('a', 'succeeded'), NOW) as WorkflowRecord;
    expect(advance(record, NOW).ready).toEqual([]);
    record = applyJobOutcome(record, finished('b', 'succeeded'), NOW) as WorkflowRecord;
    expect(advance(record, NOW).ready).toEqual(['c']);
    record = queueReady(record);
    record = applyJobOutcome(record, finished('c', 'succeeded'), NOW) as WorkflowRecord;
    expect(advance(record, NOW).record.status).toBe('succeeded');
  });

  it('a duplicate or non-terminal event changes nothing', () => {
    const record = applyJobOutcome(queueReady(start()), finished('a', 'succeeded'), NOW) as WorkflowRecord;
    expect(applyJobOutcome(record, finished('a', 'succeeded'), NOW)).toBeUndefined();
    expect(applyJobOutcome(record, finished('b', 'running'), NOW)).toBeUndefined();
  });

  it('an outcome that lands before the "queued" write is still recorded', () => {
    const record = applyJobOutcome(start(), finished('a', 'succeeded'), NOW);
    expect(record?.steps.a).toMatchObject({ status: 'succeeded', jobId: 'job-a-1' });
  });

  it('a failed step fails the workflow, skips what waits, and makes the error step due once', () => {
    let record = queueReady(start());
    record = applyJobOutcome(record, finished('a', 'failed'), NOW) as WorkflowRecord;
    const failed = advance(record, NOW);
    expect(failed.record).toMatchObject({ status: 'failed', failedStep: 'a' });
    expect(failed.record.steps.c).toMatchObject({ status: 'skipped', skippedBecause: 'a' });
    expect(failed.record.steps.b?.status).toBe('queued');
    expect(failed.errorStepDue).toBe(true);
    const queued = markQueued(failed.record, 'onError', 'job-err', NOW);
    expect(advance(queued, NOW).errorStepDue).toBe(false);
  });

  it('a retry re-runs failed and skipped steps in a new run and keeps what succeeded', () => {
    let record = queueReady(start());
    record = applyJobOutcome(record, finished('a', 'failed'), NOW) as WorkflowRecord;
    record = applyJobOutcome(record, finished('b', 'succeeded'), NOW) as WorkflowRecord;
    record = advance(record, NOW).record;
    const retried = queueReady(retryRecord(record, NOW));
    expect(retried.run).toBe(2);
    expect(retried.steps.a).toMatchObject({ status: 'queued', jobId: 'job-a-2' });
    expect(retried.steps.b).toMatchObject({ status: 'succeeded', jobId: 'job-b-1' });
    expect(retried.steps.c?.status).toBe('waiting');
    expect(retried.errorStep).toBeUndefined();
    // A late event from the replaced run-1 job is not this run's outcome.
    expect(applyJobOutcome(retried, finished('a', 'failed', 1), NOW)).toBeUndefined();
  });

  it('cancelling skips every waiting step and queues nothing more', () => {
    const cancelled = cancelRecord(queueReady(start()), NOW);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.steps.c).toMatchObject({ status: 'skipped', skippedBecause: 'cancelled' });
    const after = applyJobOutcome(cancelled, finished('a', 'succeeded'), NOW) as WorkflowRecord;
    expect(advance(after, NOW)).toMatchObject({ ready: [], errorStepDue: false });
  });

  it('a failed step whose job is requeued from the DLQ is in flight again and its failed workflow resumes', () => {
    let record = queueReady(start());
    record = applyJobOutcome(record, finished('a', 'failed'), NOW) as WorkflowRecord;
    record = markQueued(advance(record, NOW).record, 'onError', 'job-err', NOW);
    record = applyJobOutcome(record, finished('b', 'succeeded'), NOW) as WorkflowRecord;
    // The same job, requeued: its record is queued again.
    const back = applyJobOutcome(record, { ...finished('a', 'queued'), attempts: 0 }, NOW) as WorkflowRecord;
    expect(back.steps.a).toEqual({ status: 'queued', run: 1, jobId: 'job-a-1', attempts: 0 });
    expect(back).toMatchObject({ status: 'running' });
    expect(back.failedStep).toBeUndefined();
    expect(back.finishedAt).toBeUndefined();
    expect(back.steps.c).toEqual({ status: 'waiting', run: 0, attempts: 0 });
    expect(advance(back, NOW)).toMatchObject({ ready: [], errorStepDue: false });
    const done = applyJobOutcome(back, finished('a', 'succeeded'), NOW) as WorkflowRecord;
    expect(advance(done, NOW).ready).toEqual(['c']);
  });

  it('a requeued job seen only when it has succeeded still resumes its workflow', () => {
    let record = queueReady(start());
    record = applyJobOutcome(record, finished('b', 'succeeded'), NOW) as WorkflowRecord;
    record = applyJobOutcome(record, finished('a', 'failed'), NOW) as WorkflowRecord;
    record = advance(record, NOW).record;
    const done = applyJobOutcome(record, finished('a', 'succeeded'), NOW) as WorkflowRecord;
    expect(done.steps.a).toMatchObject({ status: 'succeeded', jobId: 'job-a-1' });
    expect(done.steps.a?.error).toBeUndefined();
    expect(advance(done, NOW)).toMatchObject({ record: { status: 'running' }, ready: ['c'] });
  });

  it('a requeued job seen only when it has failed again fails its workflow again, with no second error step', () => {
    const LATER = '2025-01-01T00:00:09.000Z';
    let record = queueReady(start());
    record = applyJobOutcome(record, finished('b', 'succeeded'), NOW) as WorkflowRecord;
    const first = { ...finished('a', 'failed'), finishedAt: '2025-01-01T00:00:01.000Z' };
    record = applyJobOutcome(record, first, NOW) as WorkflowRecord;
    record = markQueued(advance(record, NOW).record, 'onError', 'job-err', NOW);
    const failedAt = record.finishedAt;
    expect(record).toMatchObject({ status: 'failed', failedStep: 'a' });
    // The first failure's event again changes nothing.
    expect(applyJobOutcome(record, first, NOW)).toBeUndefined();
    // Requeued and failed again before the engine read it: only its final record is seen.
    const again = {
      ...first,
      finishedAt: '2025-01-01T00:00:05.000Z',
      error: { code: 'TRANSIENT', message: 'boom again', retryable: true },
    };
    const back = applyJobOutcome(record, again, LATER) as WorkflowRecord;
    expect(back?.steps.a).toMatchObject({ status: 'failed', jobId: 'job-a-1', finishedAt: again.finishedAt, error: again.error });
    const next = advance(back, LATER);
    expect(next.record).toMatchObject({ status: 'failed', failedStep: 'a', finishedAt: LATER });
    expect(next.record.finishedAt).not.toBe(failedAt);
    expect(next.record.steps.c).toMatchObject({ status: 'skipped', skippedBecause: 'a' });
    expect(next.errorStepDue).toBe(false);
    expect(next.record.errorStep?.jobId).toBe('job-err');
  });

  it('a requeued step resumes nothing while another step is still failed', () => {
    let record = queueReady(start());
    record = applyJobOutcome(record, finished('a', 'failed'), NOW) as WorkflowRecord;
    record = applyJobOutcome(record, finished('b', 'failed'), NOW) as WorkflowRecord;
    record = advance(record, NOW).record;
    const back = applyJobOutcome(record, finished('a', 'succeeded'), NOW) as WorkflowRecord;
    const next = advance(back, NOW);
    expect(next.record).toMatchObject({ status: 'failed', failedStep: 'b' });
    expect(next.record.steps.c).toMatchObject({ status: 'skipped', skippedBecause: 'b' });
    expect(next.ready).toEqual([]);
  });

  it('a cancelled workflow stays cancelled when a failed step job is requeued', () => {
    let record = queueReady(start());
    record = applyJobOutcome(record, finished('a', 'failed'), NOW) as WorkflowRecord;
    record = cancelRecord(record, NOW);
    expect(applyJobOutcome(record, finished('a', 'queued'), NOW)).toBeUndefined();
  });
});
