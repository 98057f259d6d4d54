import { ErrorCode } from '@reelay/contracts';
import { PermanentError } from '@reelay/runtime';
import type { z } from 'zod';

/**
 * Handlers parse their input again: the envelope was checked at enqueue, but a job
 * requeued from an older contract, or sent by hand, must fail as INVALID_INPUT rather
 * than as a TypeError deep in an argument builder.
 */
export function parseTaskInput<S extends z.ZodType>(schema: S, raw: unknown, type: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
  throw new PermanentError(`invalid input for ${type}: ${issues}`, { code: ErrorCode.INVALID_INPUT });
}
