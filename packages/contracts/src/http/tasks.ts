import { z } from 'zod';
import { RegisteredTask, TaskTypeName } from '../task-registry.js';

/** A live worker serving a task type, from its heartbeat. */
export const TaskWorker = z.object({
  id: z.string(),
  service: z.string(),
  host: z.string(),
  concurrency: z.number().int(),
  running: z.number().int().describe('jobs it runs now (of any type)'),
});

/**
 * GET /v1/tasks — Celery's `inspect registered`: every task type, built-in and custom,
 * with its contract (JSON Schemas), queue and policies, and the workers serving it now.
 * A built-in type no worker has registered yet is listed from the gateway's catalogue
 * (`registeredBy: "catalogue"`) with no workers.
 */
export const TaskView = RegisteredTask.extend({ workers: z.array(TaskWorker) });
export type TaskView = z.infer<typeof TaskView>;

export const TaskListResponse = z.object({ items: z.array(TaskView) });
export type TaskListResponse = z.infer<typeof TaskListResponse>;

export const TaskTypeParams = z.object({ type: TaskTypeName });
