import { z } from 'zod';
import { ApiScope } from './http/auth.js';
import { QueueName } from './identifiers.js';
import { RetryPolicy } from './retry-policy.js';
import { SensitivePath } from './sensitive-input.js';

/**
 * The task registry: every task type a worker serves, as that worker declared it, in KV
 * bucket `tasks` under the type's name. Built-in and custom tasks register the same way
 * when their worker starts, so `GET /v1/tasks` and the gateway's validation of a
 * submission are the declarations of the workers that run them.
 */

/** `family.name`, lower case: `acme.resize`, `book.chapter-generate`. It is a KV key. */
export const TASK_TYPE_PATTERN = /^[a-z][a-z0-9_-]{0,63}(\.[a-z0-9][a-z0-9_-]{0,63}){1,3}$/;
export const TaskTypeName = z.string().regex(TASK_TYPE_PATTERN, 'not a task type (lower-case `family.name`)');

export const RateLimitSpec = z.object({ max: z.number().int().positive(), perMs: z.number().int().positive() });

/** A JSON Schema document (draft 2020-12), generated from the task's zod schema. */
export const JsonSchemaDocument = z.record(z.string(), z.unknown());

export const RegisteredTask = z.object({
  type: TaskTypeName,
  /** Raised by the task's author when its contract changes; a higher version replaces a lower one. */
  version: z.number().int().positive(),
  description: z.string(),
  queue: QueueName,
  priority: z.number().int().min(0).max(10),
  retry: RetryPolicy,
  softTimeoutMs: z.number().int().positive(),
  hardTimeoutMs: z.number().int().positive(),
  rateLimit: RateLimitSpec.optional(),
  requiresScope: z.enum(Object.values(ApiScope) as [ApiScope, ...ApiScope[]]).optional(),
  /** Input field paths encrypted at rest (the definition's `sensitive`): the gateway encrypts them at submit. */
  sensitive: z.array(SensitivePath).optional(),
  inputSchema: JsonSchemaDocument,
  outputSchema: JsonSchemaDocument,
  /** sha256 of the two schemas and the queue: equal hashes, equal contracts. */
  schemaHash: z.string(),
  /** Shipped with Reelay (in the contracts' catalogue) rather than defined by a user. */
  builtIn: z.boolean(),
  registeredAt: z.string(),
  /** The service (and worker id) that wrote this entry. */
  registeredBy: z.string(),
});
export type RegisteredTask = z.infer<typeof RegisteredTask>;
