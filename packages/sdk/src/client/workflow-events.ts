import { type WorkflowStepView, WorkflowView } from '@reelay/contracts';
import { ReelayApiError, ReelayConnectionError } from './errors.js';
import { resumableSse } from './sse-reader.js';
import { parseBody, type Transport } from './transport.js';

/**
 * Following a workflow until it finishes, from GET /v1/workflows/:id/events: the gateway
 * pushes the workflow's view whenever its status, progress or a step's state or progress
 * moves (Server-Sent Events), so nothing is polled. A dropped connection is reopened; the
 * first event after it is the current view, so no change is lost for good — at worst a
 * step's intermediate progress is skipped.
 */

export interface WorkflowEventsOptions {
  signal?: AbortSignal | undefined;
  /** Wait before reopening a dropped stream; the server's `retry:` replaces it. @default 1000 */
  reconnectDelayMs?: number | undefined;
  /** Give up after this many reopens in a row that brought no event. @default 10 */
  maxReconnects?: number | undefined;
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

/** The workflow's views as the gateway pushes them, ending after the finished one. */
function workflowViews(transport: Transport, id: string, options: WorkflowEventsOptions): AsyncGenerator<WorkflowView, void, undefined> {
  const path = `/v1/workflows/${encodeURIComponent(id)}/events`;
  return resumableSse<WorkflowView>({
    // Every event is a whole view: a reopened stream starts from the current one.
    open: (_lastEventId, signal) => transport.stream(path, { headers: { accept: 'text/event-stream' }, signal }),
    decode: (message) =>
      // Keep-alives and event types this SDK does not know yet are skipped, not errors.
      message.event === 'workflow' ? parseBody(WorkflowView, message.data, `event ${message.id ?? '?'} of workflow ${id}`) : undefined,
    isFinal: isWorkflowFinished,
    signal: options.signal,
    reconnectDelayMs: options.reconnectDelayMs,
    maxReconnects: options.maxReconnects,
  });
}

export async function* workflowEvents(
  transport: Transport,
  id: string,
  options: WorkflowEventsOptions = {},
): AsyncGenerator<WorkflowEvent, void, undefined> {
  const seen = new Map<string, string>();
  let lastHead: string | undefined;
  for await (const view of workflowViews(transport, id, options)) {
    const changedSteps = [...view.steps, ...(view.onError ? [view.onError] : [])].filter((step) => {
      const state = `${step.status}:${step.progress}:${step.jobId ?? ''}`;
      if (seen.get(step.id) === state) return false;
      seen.set(step.id, state);
      return true;
    });
    const head = `${view.status}:${view.progress}:${view.run}`;
    if (changedSteps.length > 0 || head !== lastHead) yield { workflow: view, changedSteps };
    lastHead = head;
  }
}

/**
 * Resolves with the workflow once it has finished (succeeded, failed or cancelled). When
 * `timeoutMs` passes first it throws the ReelayApiError a job's `wait` throws (408
 * TIMEOUT), so callers handle both the same way; the workflow keeps running.
 */
export async function waitForWorkflow(transport: Transport, id: string, options: WorkflowWaitOptions = {}): Promise<WorkflowView> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = new AbortController();
  const timer = Number.isFinite(timeoutMs) ? setTimeout(() => deadline.abort(), timeoutMs) : undefined;
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  try {
    for await (const view of workflowViews(transport, id, { ...options, signal })) if (isWorkflowFinished(view)) return view;
    throw new ReelayConnectionError(`the event stream of workflow ${id} ended before it finished`);
  } catch (err) {
    if (deadline.signal.aborted && !options.signal?.aborted)
      throw new ReelayApiError(408, 'TIMEOUT', `workflow ${id} did not finish within ${timeoutMs} ms`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
