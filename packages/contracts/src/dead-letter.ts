import { z } from 'zod';
import { JobEnvelope } from './envelope.js';
import { AttemptError, WireError } from './errors.js';

export const DeadLetterReason = {
  exhausted: 'exhausted',
  permanent: 'permanent',
  maxDeliveries: 'max-deliveries',
} as const;
export type DeadLetterReason = (typeof DeadLetterReason)[keyof typeof DeadLetterReason];

/** A job that will not run again unless someone requeues it. */
export const DeadLetter = z.object({
  job: JobEnvelope,
  reason: z.enum(['exhausted', 'permanent', 'max-deliveries']),
  error: WireError,
  errors: z.array(AttemptError),
  deadAt: z.string(),
  traceId: z.string().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;
