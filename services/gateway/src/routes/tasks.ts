import { TaskListResponse, TaskTypeParams, TaskView } from '@reelay/contracts';
import { taskViews } from '@reelay/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import { HttpError } from '../http/http-error.js';

/**
 * GET /v1/tasks and /v1/tasks/:type — the task registry (Celery's `inspect registered`):
 * every type a submit can name, with its JSON Schemas, queue, policies and the live
 * workers serving it. Contracts are not project data; any reading key sees them.
 */
export const taskRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const all = async () => taskViews(deps.jobs.registry, await deps.queueStats.liveWorkers());

    app.get(
      '/v1/tasks',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['tasks'],
          operationId: 'listTasks',
          summary: 'Every task type, built-in and registered, with its schemas and live workers',
          response: { 200: TaskListResponse },
        },
      },
      async () => ({ items: await all() }),
    );

    app.get(
      '/v1/tasks/:type',
      {
        config: { scope: 'jobs:read' },
        schema: { tags: ['tasks'], operationId: 'getTask', summary: 'One task type', params: TaskTypeParams, response: { 200: TaskView } },
      },
      async (req) => {
        const task = (await all()).find((t) => t.type === req.params.type);
        if (!task) throw new HttpError('NOT_FOUND', `task type ${req.params.type} not found`);
        return task;
      },
    );
  };
