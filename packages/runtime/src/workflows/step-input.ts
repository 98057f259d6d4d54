import { isStepRef, parseStepRef } from '@reelay/contracts';

/** What a finished upstream step offers to `$ref`s. */
export interface StepOutput {
  jobId: string;
  result: unknown;
}

export class UnresolvedRefError extends Error {}

/**
 * Replaces every `$ref` in a step's input with the value it names in an upstream
 * step's output. Throws UnresolvedRefError when the path leads nowhere: the upstream
 * task's output did not have the shape the workflow expected.
 */
export function resolveStepInput(input: unknown, outputs: (stepId: string) => StepOutput | undefined): unknown {
  if (isStepRef(input)) return resolveRef(input.$ref, outputs);
  if (Array.isArray(input)) return input.map((v) => resolveStepInput(v, outputs));
  if (typeof input === 'object' && input !== null) {
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, resolveStepInput(v, outputs)]));
  }
  return input;
}

function resolveRef(ref: string, outputs: (stepId: string) => StepOutput | undefined): unknown {
  const parsed = parseStepRef(ref);
  if (!parsed) throw new UnresolvedRefError(`$ref "${ref}" is malformed`);
  const output = outputs(parsed.stepId);
  if (!output) throw new UnresolvedRefError(`$ref "${ref}": step "${parsed.stepId}" has no output`);
  let value: unknown = output;
  for (const segment of parsed.path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) {
      throw new UnresolvedRefError(`$ref "${ref}": nothing at "${segment}"`);
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** Upstream step ids an input reads, so only those jobs are fetched. */
export function referencedSteps(input: unknown): string[] {
  if (isStepRef(input)) {
    const id = parseStepRef(input.$ref)?.stepId;
    return id ? [id] : [];
  }
  if (Array.isArray(input)) return [...new Set(input.flatMap(referencedSteps))];
  if (typeof input === 'object' && input !== null) return [...new Set(Object.values(input).flatMap(referencedSteps))];
  return [];
}
