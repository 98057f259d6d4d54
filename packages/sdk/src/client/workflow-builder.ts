import {
  collectStepRefs,
  type ErrorStep,
  parseStepRef,
  type TargetedStepRef,
  type TaskMap,
  type TaskMapInput,
  type TaskMapOutput,
  type WorkflowSpec,
  type WorkflowStep,
} from '@reelay/contracts';
import type { ClientTasks, NoTasks, TaskTypeOf } from './task-typing.js';

/**
 * A typed workflow builder: each step's input is checked against its task's input
 * schema, and each `ref(step, path)` in it against the steps declared before it — the
 * step must exist, the path must lead somewhere in that step's output, and the value
 * found there must fit where the ref is put. It produces the same plain WorkflowSpec
 * that chain/group/chord build and the gateway takes; nothing on the wire changes.
 * It is not a validator: the gateway still checks the spec, and the engine the
 * resolved inputs.
 *
 *   workflow<typeof myTasks>({ name: 'resize-and-read' })
 *     .step('resize', 'acme.resize', { url, width: 640 })
 *     .step('read', 'ai.tts', { text: ref('resize', 'caption') })   // depends on resize
 *     .build();
 */

/** Step ids declared so far, each with its task type. */
type StepTypes<M extends TaskMap> = Record<string, TaskTypeOf<M>>;
type NoSteps = Record<never, never>;

/** Refs nest no deeper than this into a step's output (deeper paths still work untyped, through chain). */
type MaxRefDepth = 6;

type JoinPath<P extends string, K extends string> = P extends '' ? K : `${P}.${K}`;

/**
 * Every path into X (below path P) with the value found there: `{path: 'meta.tags.0',
 * value: string}`. Worked out once per task type, then filtered by what each input slot
 * takes. A path through an optional field is listed with the field's type: at run time
 * a missing value fails the step with INVALID_INPUT.
 */
type PathEntries<X, P extends string, Depth extends unknown[]> =
  | { path: P; value: Exclude<X, undefined> }
  | (Depth['length'] extends MaxRefDepth ? never : PathEntriesBelow<Exclude<X, undefined>, P, [...Depth, unknown]>);

type PathEntriesBelow<X, P extends string, Depth extends unknown[]> = unknown extends X
  ? { path: JoinPath<P, string>; value: unknown }
  : X extends readonly (infer E)[]
    ? PathEntries<E, JoinPath<P, `${number}`>, Depth>
    : X extends object
      ? { [K in keyof X]-?: K extends string ? PathEntries<X[K], JoinPath<P, K>, Depth> : never }[keyof X]
      : never;

type OutputEntries<M extends TaskMap, T extends TaskTypeOf<M>> = PathEntries<TaskMapOutput<M, T>, '', []>;

/** The refs into step S, among its output's entries E, whose value fits V. */
type RefsFitting<S extends string, E, V> = E extends { path: infer P extends string; value: infer X }
  ? [X] extends [V]
    ? TargetedStepRef<S, P>
    : never
  : never;

/** Every ref, into any step declared so far, whose value fits V. */
type RefTo<M extends TaskMap, Steps extends StepTypes<M>, V> = {
  [S in keyof Steps & string]: RefsFitting<S, OutputEntries<M, Steps[S]>, V>;
}[keyof Steps & string];

/**
 * A task input of type V where any value, at any depth, may instead be a ref that fits
 * it. Where V is `unknown` anything goes, refs included.
 */
export type StepInput<M extends TaskMap, Steps extends StepTypes<M>, V> = unknown extends V
  ? unknown
  : RefTo<M, Steps, V> | StepInputShape<M, Steps, V>;

type StepInputShape<M extends TaskMap, Steps extends StepTypes<M>, V> = V extends readonly unknown[]
  ? { [K in keyof V]: StepInput<M, Steps, V[K]> }
  : V extends object
    ? { [K in keyof V]: StepInput<M, Steps, V[K]> }
    : V;

/** Everything a step takes besides its id, type and input; `dependsOn` names earlier steps only. */
export type StepOptions<Ids extends string> = Omit<WorkflowStep, 'id' | 'type' | 'input' | 'dependsOn'> & {
  /** Steps that must succeed first, besides those the input's refs read (added for you). */
  dependsOn?: readonly Ids[] | undefined;
};

/** What the error step's input leaves out: the engine merges these in. */
type MergedIntoErrorInput = 'workflowId' | 'failedStep' | 'error';
export type ErrorStepOptions = Omit<ErrorStep, 'type' | 'input'>;

/** The input argument, optional when the task's input is (its schema accepts undefined). */
type InputArgs<M extends TaskMap, Steps extends StepTypes<M>, T extends TaskTypeOf<M>> =
  undefined extends TaskMapInput<M, T>
    ? [input?: StepInput<M, Steps, TaskMapInput<M, T>>, options?: StepOptions<keyof Steps & string>]
    : [input: StepInput<M, Steps, TaskMapInput<M, T>>, options?: StepOptions<keyof Steps & string>];

type WithStep<Steps, Id extends string, T extends string> = { [K in keyof Steps | Id]: K extends Id ? T : Steps[K & keyof Steps] };

export interface WorkflowOptions<U extends TaskMap = NoTasks> {
  name?: string | undefined;
  project?: string | undefined;
  /** Your task map, for its type only: `workflow({ tasks: myTasks })`. */
  tasks?: U | undefined;
}

export class WorkflowBuilder<M extends TaskMap, Steps extends StepTypes<M> = NoSteps> {
  private readonly spec: Omit<WorkflowSpec, 'steps'> & { steps: WorkflowStep[] };

  constructor(spec: Omit<WorkflowSpec, 'steps'> & { steps?: WorkflowStep[] | undefined }) {
    this.spec = { ...spec, steps: spec.steps ?? [] };
  }

  /**
   * Adds a step. Its input may hold refs to steps declared before it (`ref('a', 'path')`);
   * each step a ref reads is added to `dependsOn`, so the ref is always to an upstream
   * step. Returns a new builder; this one is left as it was.
   */
  step<const Id extends string, T extends TaskTypeOf<M>>(
    id: Id extends keyof Steps ? `step "${Id}" is already declared` : Id,
    type: T,
    ...[input, options]: NoInfer<InputArgs<M, Steps, T>>
  ): WorkflowBuilder<M, WithStep<Steps, Id, T>> {
    const stepId: string = id;
    if (this.spec.steps.some((s) => s.id === stepId)) throw new TypeError(`step "${stepId}" is already declared`);
    const { dependsOn, ...rest } = options ?? {};
    const read = collectStepRefs(input).flatMap(({ ref }) => parseStepRef(ref)?.stepId ?? []);
    const after = [...new Set([...(dependsOn ?? []), ...read])];
    const step: WorkflowStep = {
      id: stepId,
      type,
      ...(input === undefined ? {} : { input }),
      ...rest,
      ...(after.length ? { dependsOn: after } : {}),
    };
    return new WorkflowBuilder({ ...this.spec, steps: [...this.spec.steps, step] });
  }

  /**
   * The step run once when the workflow fails, with `{workflowId, failedStep, error}`
   * merged into its input (so those are not given here, and refs are not allowed).
   */
  onError<T extends TaskTypeOf<M>>(
    type: T,
    input?: NoInfer<Omit<TaskMapInput<M, T>, MergedIntoErrorInput>>,
    options: ErrorStepOptions = {},
  ): WorkflowBuilder<M, Steps> {
    const onError: ErrorStep = { type, ...(input === undefined ? {} : { input: input as Record<string, unknown> }), ...options };
    return new WorkflowBuilder({ ...this.spec, onError });
  }

  /** The plain spec, for `client.submitWorkflow(...)`: a copy, so later steps do not change it. */
  build(): WorkflowSpec {
    return structuredClone(this.spec);
  }
}

/**
 * Starts a typed workflow over the built-in tasks and the map U:
 * `workflow<typeof myTasks>({ name })` or `workflow({ name, tasks: myTasks })`.
 */
export function workflow<U extends TaskMap = NoTasks>(options: WorkflowOptions<U> = {}): WorkflowBuilder<ClientTasks<U>> {
  return new WorkflowBuilder({
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.project === undefined ? {} : { project: options.project }),
  });
}
