import { collectStepRefs, ERROR_STEP_ID, parseStepRef, type WorkflowSpec } from '@reelay/contracts';

export interface WorkflowIssue {
  path: string;
  message: string;
}

/**
 * Everything wrong with a workflow's shape, before anything is queued: duplicate or
 * reserved ids, unknown dependencies and task types, cycles, and `$ref`s that do not
 * point at an upstream step (a ref may only read a step that must have succeeded
 * first, or the value would not exist when the step becomes ready).
 */
export function workflowIssues(spec: WorkflowSpec, isKnownType: (type: string) => boolean): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  const ids = new Set<string>();
  spec.steps.forEach((step, i) => {
    if (step.id === ERROR_STEP_ID) issues.push({ path: `steps.${i}.id`, message: `"${ERROR_STEP_ID}" is reserved for the error step` });
    if (ids.has(step.id)) issues.push({ path: `steps.${i}.id`, message: `duplicate step id "${step.id}"` });
    ids.add(step.id);
    if (!isKnownType(step.type)) issues.push({ path: `steps.${i}.type`, message: `unknown task type "${step.type}"` });
  });
  const byId = new Map(spec.steps.map((s) => [s.id, s]));
  spec.steps.forEach((step, i) => {
    for (const dep of step.dependsOn ?? []) {
      if (dep === step.id) issues.push({ path: `steps.${i}.dependsOn`, message: `step "${step.id}" depends on itself` });
      else if (!byId.has(dep)) issues.push({ path: `steps.${i}.dependsOn`, message: `step "${step.id}" depends on unknown step "${dep}"` });
    }
  });
  const cycle = findCycle(spec);
  if (cycle) issues.push({ path: 'steps', message: `dependency cycle: ${cycle.join(' → ')}` });
  if (spec.onError && !isKnownType(spec.onError.type)) {
    issues.push({ path: 'onError.type', message: `unknown task type "${spec.onError.type}"` });
  }
  for (const found of collectStepRefs(spec.onError?.input)) {
    issues.push({
      path: `onError.input.${found.at}`,
      message: 'the error step cannot use $ref: it runs when an upstream step did not succeed',
    });
  }
  if (cycle) return issues;
  spec.steps.forEach((step, i) => {
    const upstream = ancestors(spec, step.id);
    for (const found of collectStepRefs(step.input)) {
      const where = `steps.${i}.input${found.at ? `.${found.at}` : ''}`;
      const parsed = parseStepRef(found.ref);
      if (!parsed) {
        issues.push({ path: where, message: `$ref "${found.ref}" must be "<step>.result[.<path>]" or "<step>.jobId"` });
      } else if (!byId.has(parsed.stepId)) {
        issues.push({ path: where, message: `$ref "${found.ref}" names unknown step "${parsed.stepId}"` });
      } else if (!upstream.has(parsed.stepId)) {
        issues.push({ path: where, message: `$ref "${found.ref}": step "${step.id}" does not depend on "${parsed.stepId}"` });
      }
    }
  });
  return issues;
}

/** The steps that must succeed before `id` can run (its dependencies, transitively). */
function ancestors(spec: WorkflowSpec, id: string): Set<string> {
  const byId = new Map(spec.steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.dependsOn ?? [])];
  while (stack.length) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byId.get(next)?.dependsOn ?? []));
  }
  return seen;
}

/** One cycle as a path of step ids (first id repeated at the end), or undefined. */
function findCycle(spec: WorkflowSpec): string[] | undefined {
  const byId = new Map(spec.steps.map((s) => [s.id, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done' || !byId.has(id)) return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const step of spec.steps) {
    const cycle = visit(step.id);
    if (cycle) return cycle;
  }
  return undefined;
}
