/**
 * Inputs were validated when queued; parsing again here gives handlers the contract's
 * output type (defaults applied) and turns a job queued by an older contract into a
 * permanent INVALID_INPUT failure rather than a crash.
 */
import { ErrorCode } from '@reelay/contracts';
import { PermanentError } from '@reelay/runtime';
import type { z } from 'zod';

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
  throw new PermanentError(`invalid input: ${problems}`, { code: ErrorCode.INVALID_INPUT });
}
