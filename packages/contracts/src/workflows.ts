import { z } from 'zod';
import { ProjectName } from './project.js';
import { JobTimeoutMs, MaxAttempts } from './envelope.js';
import { WireError } from './errors.js';
import { Priority } from './priority.js';

/**
 * Workflows: a DAG of job steps declared as data, run by the scheduler's workflow
 * engine. Schemas for the spec and the stored record, the `$ref` form that passes one
 * step's output into another's input, and the chain/group/chord builders. Pure: the
 * SDK re-exports the builders.
 */

export const STEP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** The step id the error callback runs under; no declared step may use it. */
export const ERROR_STEP_ID = 'onError';

/**
 * `{"$ref": "<stepId>.result.<path>"}` (or `"<stepId>.jobId"`) anywhere in a step's
 * input is replaced by that value of an upstream step when the step becomes ready.
 * Path segments that are digits index arrays: `script.result.scenes.0.text`.
 */
export const StepRef = z.object({ $ref: z.string().min(1).max(500) }).strict();
export type StepRef = z.infer<typeof StepRef>;

export const WorkflowStep = z
  .object({
    id: z.string().regex(STEP_ID_PATTERN, 'a letter, then letters, digits, - or _ (64 at most)'),
    type: z.string().min(1).max(100),
    /** The task's input; may hold `$ref`s to upstream steps. */
    input: z.unknown().optional(),
    /** Steps that must succeed first. */
    dependsOn: z.array(z.string()).max(200).optional(),
    priority: Priority.optional(),
    maxAttempts: MaxAttempts.optional(),
    timeoutMs: JobTimeoutMs.optional(),
  })
  .strict();
export type WorkflowStep = z.infer<typeof WorkflowStep>;

/** Runs once when a step fails, with `{workflowId, failedStep, error}` merged into its input. */
export const ErrorStep = z
  .object({
    type: z.string().min(1).max(100),
    input: z.record(z.string(), z.unknown()).optional(),
    priority: Priority.optional(),
    maxAttempts: MaxAttempts.optional(),
  })
  .strict();
export type ErrorStep = z.infer<typeof ErrorStep>;

export const WorkflowSpec = z
  .object({
    name: z.string().min(1).max(200).optional(),
    project: ProjectName.optional(),
    steps: z.array(WorkflowStep).min(1).max(200),
    onError: ErrorStep.optional(),
  })
  .strict();
export type WorkflowSpec = z.infer<typeof WorkflowSpec>;

export const WorkflowStatus = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;
export type WorkflowStatus = (typeof WorkflowStatus)[keyof typeof WorkflowStatus];
export const WORKFLOW_STATUSES = Object.values(WorkflowStatus) as [WorkflowStatus, ...WorkflowStatus[]];

/**
 * A step as the workflow record sees it. `queued` means its job exists and has not
 * finished (the job record has the live status); `skipped` means it never ran because
 * an upstream step failed or the workflow was cancelled first.
 */
export const StepStatus = {
  waiting: 'waiting',
  queued: 'queued',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
} as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];
export const STEP_STATUSES = Object.values(StepStatus) as [StepStatus, ...StepStatus[]];

export const StepState = z.object({
  status: z.enum(STEP_STATUSES),
  /** The workflow run (1, then +1 per retry) that last queued this step. */
  run: z.number().int().nonnegative(),
  jobId: z.string().optional(),
  attempts: z.number().int().nonnegative().default(0),
  error: WireError.optional(),
  /** Why a skipped step never ran: the failed upstream step, or "cancelled". */
  skippedBecause: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type StepState = z.infer<typeof StepState>;

/** The record in KV `workflows`, key = workflow id; updated with compare-and-set only. */
export const WorkflowRecord = z.object({
  id: z.string(),
  project: z.string(),
  spec: WorkflowSpec,
  status: z.enum(WORKFLOW_STATUSES),
  /** 1, then +1 for every retry; part of each step's idempotency key. */
  run: z.number().int().positive(),
  steps: z.record(z.string(), StepState),
  /** The error callback's state once it has been queued. */
  errorStep: StepState.optional(),
  /** The first step that failed in the current run. */
  failedStep: z.string().optional(),
  /** W3C trace context of the submitting request: every step job is sent inside it. */
  trace: z.record(z.string(), z.string()),
  traceId: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type WorkflowRecord = z.infer<typeof WorkflowRecord>;

// ---- $ref ----

export function isStepRef(value: unknown): value is StepRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { $ref?: unknown }).$ref === 'string'
  );
}

export interface ParsedRef {
  stepId: string;
  /** `result` then a path into the result, or `jobId`. */
  path: string[];
}

/** Splits `"tts.result.audio.id"` into the step id and the path; undefined when malformed. */
export function parseStepRef(ref: string): ParsedRef | undefined {
  const [stepId, ...path] = ref.split('.');
  if (!stepId || !STEP_ID_PATTERN.test(stepId)) return undefined;
  if (path[0] === 'jobId' && path.length === 1) return { stepId, path };
  if (path[0] !== 'result' || path.some((p) => p === '')) return undefined;
  return { stepId, path };
}

/** Every `$ref` string in a value, with where it sits (for error messages). */
export function collectStepRefs(value: unknown, at: string[] = []): { ref: string; at: string }[] {
  if (isStepRef(value)) return [{ ref: value.$ref, at: at.join('.') }];
  if (Array.isArray(value)) return value.flatMap((v, i) => collectStepRefs(v, [...at, String(i)]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => collectStepRefs(v, [...at, k]));
  }
  return [];
}

/**
 * What `ref()` returns: a StepRef that also names, in its type only, the step and the
 * result path it reads (`''` for the whole result), so a typed workflow builder can check
 * both against the steps declared before it. On the wire it is `{"$ref": "..."}` alone.
 */
export type TargetedStepRef<S extends string = string, P extends string = string> = StepRef & {
  /** Type-level only: never present at run time. */
  readonly '~target': { readonly step: S; readonly path: P };
};

/**
 * A `$ref` value, for building inputs in code: `ref('tts', 'audio.id')`, or `ref('tts')`
 * for the whole result. Overloads, so that a left-out path is `''` in the type rather
 * than whatever path the surrounding input would have accepted.
 */
export function ref<const S extends string>(stepId: S): TargetedStepRef<S, ''>;
export function ref<const S extends string, const P extends string>(stepId: S, resultPath: P): TargetedStepRef<S, P>;
export function ref(stepId: string, resultPath?: string): TargetedStepRef;
export function ref(stepId: string, resultPath?: string): TargetedStepRef {
  return { $ref: resultPath ? `${stepId}.result.${resultPath}` : `${stepId}.result` } as TargetedStepRef;
}

// ---- builders ----

/** A piece of a workflow: one or more steps. Builders compose these and return one. */
export interface Flow {
  steps: WorkflowStep[];
}
export type FlowPart = WorkflowStep | Flow;

function asFlow(part: FlowPart): Flow {
  return 'steps' in part ? { steps: part.steps.map((s) => ({ ...s })) } : { steps: [{ ...part }] };
}

/** Steps no other step of the flow depends on: what a following part waits for. */
function sinks(flow: Flow): string[] {
  const dependedOn = new Set(flow.steps.flatMap((s) => s.dependsOn ?? []));
  return flow.steps.filter((s) => !dependedOn.has(s.id)).map((s) => s.id);
}

/** Steps with no dependency inside the flow: what a preceding part feeds. */
function sources(flow: Flow): WorkflowStep[] {
  const ids = new Set(flow.steps.map((s) => s.id));
  return flow.steps.filter((s) => !(s.dependsOn ?? []).some((d) => ids.has(d)));
}

/** Each part runs after every sink of the part before it. */
export function chain(...parts: FlowPart[]): Flow {
  const steps: WorkflowStep[] = [];
  let previous: string[] = [];
  for (const part of parts) {
    const flow = asFlow(part);
    for (const step of sources(flow)) {
      if (previous.length) step.dependsOn = [...new Set([...(step.dependsOn ?? []), ...previous])];
    }
    steps.push(...flow.steps);
    previous = sinks(flow);
  }
  return { steps };
}

/** The parts run side by side. */
export function group(...parts: FlowPart[]): Flow {
  return { steps: parts.flatMap((p) => asFlow(p).steps) };
}

/** The callback runs once every member of the group has succeeded. */
export function chord(members: FlowPart, callback: FlowPart): Flow {
  return chain(members, callback);
}
