import type { WorkflowStepView, WorkflowView } from '@reelay/contracts';
import { abortableSleep } from './abortable-sleep.js';
import { ReelayApiError } from './errors.js';

/**
 * Following a workflow until it finishes. The gateway has no event stream for workflows
 * (only per job), so this reads GET /v1/workflows/:id every `intervalMs` and reports what
 * changed: the view when its status, progress or any step's state or progress moved, with
 * the steps that did. One request per interval however many steps the workflow has.
 */

export interface WorkflowEventsOptions {
  /** Time between reads. @default 1000 */
  intervalMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface WorkflowWaitOptions extends WorkflowEventsOptions {
  /** How long to wait in all; Infinity waits for ever. @default 30000 */
  timeoutMs?: number | undefined;
}

/** One change of a workflow: its view after the change and the steps that changed (every step in the first event). */
export interface WorkflowEvent {
  workflow: WorkflowView;
  changedSteps: WorkflowStepView[];
}

export function isWorkflowFinished(view: WorkflowView): boolean {
  return view.status !== 'running';
}

export async function* workflowEvents(
  read: (signal: AbortSignal | undefined) => Promise<WorkflowView>,
  options: WorkflowEventsOptions = {},
): AsyncGenerator<WorkflowEvent, void, undefined> {
  const intervalMs = options.intervalMs ?? 1_000;
  const { signal } = options;
  const seen = new Map<string, string>();
  let lastHead: string | undefined;
  for (;;) {
    const view = await read(signal);
    const changedSteps = [...view.steps, ...(view.onError ? [view.onError] : [])].filter((step) => {
      const state = `${step.status}:${step.progress}:${step.jobId ?? ''}`;
      if (seen.get(step.id) === state) return false;
      seen.set(step.id, state);
      return true;
    });
    const head = `${view.status}:${view.progress}:${view.run}`;
    if (changedSteps.length > 0 || head !== lastHead) yield { workflow: view, changedSteps };
    lastHead = head;
    if (isWorkflowFinished(view)) return;
    await abortableSleep(intervalMs, signal);
  }
}

/**
 * Resolves with the workflow once it has finished (succeeded, failed or cancelled). When
 * `timeoutMs` passes first it throws the ReelayApiError a job's `wait` throws (408
 * TIMEOUT), so callers handle both the same way; the workflow keeps running.
 */
export async function waitForWorkflow(
  id: string,
  read: (signal: AbortSignal | undefined) => Promise<WorkflowView>,
  options: WorkflowWaitOptions = {},
): Promise<WorkflowView> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const intervalMs = options.intervalMs ?? 1_000;
  for (;;) {
    const view = await read(options.signal);
    if (isWorkflowFinished(view)) return view;
    const left = deadline - Date.now();
    if (left <= 0) throw new ReelayApiError(408, 'TIMEOUT', `workflow ${id} did not finish within ${timeoutMs} ms`);
    await abortableSleep(Math.min(intervalMs, left), options.signal);
  }
}
