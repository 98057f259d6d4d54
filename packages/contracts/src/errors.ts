import { z } from 'zod';

/**
 * Every error that crosses a wire has a stable code; receivers decide by code, never by
 * message text. `retryable` says whether running the same job again could succeed.
 */
export const ErrorCode = {
  /** Input failed its contract: never retried. */
  INVALID_INPUT: 'INVALID_INPUT',
  /** A handler said this can never succeed (bad media, a platform's 4xx). */
  PERMANENT: 'PERMANENT',
  /** A transient failure; retried with backoff. */
  TRANSIENT: 'TRANSIENT',
  /** An error the handler did not classify: counts as retryable. */
  UNKNOWN: 'UNKNOWN',
  /** Slow down and come back after `retryAfterMs`; does not spend an attempt. */
  RETRY_AFTER: 'RETRY_AFTER',
  /** The soft time limit fired and the handler gave up. */
  SOFT_TIMEOUT: 'SOFT_TIMEOUT',
  /** The hard time limit killed the attempt. */
  HARD_TIMEOUT: 'HARD_TIMEOUT',
  /** The job was cancelled while it ran. */
  CANCELLED: 'CANCELLED',
  /** The worker died (or was killed) while it held the job, without answering. */
  WORKER_LOST: 'WORKER_LOST',
  /** No worker registered this task type (at submit), or the worker that took it has no handler for it. */
  UNKNOWN_TASK: 'UNKNOWN_TASK',
  /** A worker declared a task type that is registered with another contract at the same or a higher version. */
  TASK_CONFLICT: 'TASK_CONFLICT',
  /** A child process (ffmpeg, flite…) failed. */
  CHILD_PROCESS_FAILED: 'CHILD_PROCESS_FAILED',
  /** An outside provider answered with an error. */
  PROVIDER_ERROR: 'PROVIDER_ERROR',
  /** The handler returned output that breaks its task's output schema: never retried. */
  OUTPUT_INVALID: 'OUTPUT_INVALID',
  /** The worker shut down before the job finished: handed back to the queue without spending an attempt. */
  SHUTDOWN: 'SHUTDOWN',
  /** A produced file failed its check (ffprobe found the wrong duration or streams). */
  OUTPUT_CHECK_FAILED: 'OUTPUT_CHECK_FAILED',
  /** The job stopped reporting progress for too long. */
  STALLED: 'STALLED',
  /** A referenced artifact does not exist. */
  ARTIFACT_NOT_FOUND: 'ARTIFACT_NOT_FOUND',
  /** A URL pointed at a loopback, link-local or private address. */
  FORBIDDEN_ADDRESS: 'FORBIDDEN_ADDRESS',
  /** No such job, artifact, queue or dead letter (or not in your projects). */
  NOT_FOUND: 'NOT_FOUND',
  /** The request conflicts with the current state (cancel a finished job). */
  CONFLICT: 'CONFLICT',
  /** A task marks input fields sensitive and this process has no REELAY_ENCRYPTION_KEY to encrypt them with. */
  ENCRYPTION_KEY_MISSING: 'ENCRYPTION_KEY_MISSING',
  /** A sensitive input field could not be decrypted (its key id is not configured, or the ciphertext was altered): not retried. */
  DECRYPTION_FAILED: 'DECRYPTION_FAILED',
  /** The server's dependencies (NATS) are unreachable. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** The task needs an outside provider this worker has no configuration for (ai.avatar without AI_AVATAR_PROVIDER): not retried. */
  PROVIDER_NOT_CONFIGURED: 'PROVIDER_NOT_CONFIGURED',
  /** A process's configuration (its environment) did not parse: it does not start. Never on a job. */
  CONFIG_INVALID: 'CONFIG_INVALID',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error on the wire: in job records, DLQ entries and events. */
export const WireError = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  retryAfterMs: z.number().int().nonnegative().optional(),
  details: z.unknown().optional(),
});
export type WireError = z.infer<typeof WireError>;

/** One failed attempt, kept in the job record so the DLQ shows the whole history. */
export const AttemptError = WireError.extend({
  attempt: z.number().int().positive(),
  at: z.string(),
  workerId: z.string().optional(),
});
export type AttemptError = z.infer<typeof AttemptError>;
