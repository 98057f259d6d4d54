import {
  AiVideoPresetBody,
  BookPresetBody,
  ListGroupsQuery,
  ListGroupsResponse,
  ReelPresetBody,
  SubmitWorkflowBody,
  SubmitWorkflowResponse,
  WorkflowIdParams,
  type WorkflowRecord,
  type WorkflowSpec,
  WorkflowView,
} from '@reelay/contracts';
import { WorkflowClient } from '@reelay/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.js';
import type { Principal } from '../auth/api-keys.js';
import { assertMaySubmit, assertVisible, projectFor } from '../auth/auth-plugin.js';
import { HttpError } from '../http/http-error.js';
import { listableProjects } from '../jobs/job-filter.js';
import { workflowEventRoutes } from './workflow-events.js';

/**
 * /v1/workflows: submit a DAG of steps (or a preset), read its state, cancel, retry.
 * The gateway only writes the record and queues the first steps; the scheduler's
 * workflow engine moves it on from job events.
 */
export const workflowRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const workflows = new WorkflowClient(deps.jobs, deps.buckets.workflows, { artifacts: deps.artifacts });
    // The events stream (SSE) shares this client: one per gateway, not one per route file.
    await app.register(workflowEventRoutes(deps, workflows));

    const visible = async (principal: Principal, id: string): Promise<WorkflowRecord> => {
      const record = await workflows.get(id);
      if (!record) throw new HttpError('NOT_FOUND', `workflow ${id} not found`);
      assertVisible(principal, record.project, `workflow ${id}`);
      return record;
    };

    app.post(
      '/v1/workflows',
      {
        config: { scope: 'jobs:write' },
        schema: {
          tags: ['workflows'],
          operationId: 'submitWorkflow',
          summary: 'Submit a workflow (a DAG of steps) or a preset: {"preset":"reel"}, {"preset":"ai-video"} or {"preset":"book"}',
          body: SubmitWorkflowBody,
          response: { 202: SubmitWorkflowResponse },
        },
      },
      async (req, reply) => {
        const body = req.body;
        const project = projectFor(req.principal, body.project);
        if (!('preset' in body)) await assertMaySubmit(deps.jobs, req.principal, taskTypes(body));
        // The tracing plugin runs this handler inside the request's server span (which
        // joins the caller's trace when it sent a traceparent): every step job is sent in it.
        const record = await (!('preset' in body)
          ? workflows.submit(body, { project })
          : body.preset === 'book'
            ? workflows.submitBook(BookPresetBody.parse(body), { project })
            : body.preset === 'ai-video'
              ? workflows.submitAiVideo(AiVideoPresetBody.parse(body), { project })
              : workflows.submitReel(ReelPresetBody.parse(body), { project }));
        return reply.code(202).send({ id: record.id, status: record.status });
      },
    );

    app.get(
      '/v1/workflows',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['workflows'],
          operationId: 'listWorkflows',
          summary: 'List workflows, newest first, with their step jobs counted by state',
          description: 'From the job store: a workflow appears once its first step job is queued. GET /v1/workflows/:id gives its steps.',
          querystring: ListGroupsQuery,
          response: { 200: ListGroupsResponse },
        },
      },
      async (req) => {
        const { project, limit, cursor } = req.query;
        if (project) assertVisible(req.principal, project, `project ${project}`);
        return deps.store.groups('workflow', { projects: listableProjects(req.principal), project }, { limit, cursor });
      },
    );

    app.get(
      '/v1/workflows/:id',
      {
        config: { scope: 'jobs:read' },
        schema: {
          tags: ['workflows'],
          operationId: 'getWorkflow',
          summary: 'Get a workflow: every step, overall status and progress',
          params: WorkflowIdParams,
          response: { 200: WorkflowView },
        },
      },
      async (req) => {
        await visible(req.principal, req.params.id);
        const view = await workflows.view(req.params.id);
        if (!view) throw new HttpError('NOT_FOUND', `workflow ${req.params.id} not found`);
        return view;
      },
    );

    app.post(
      '/v1/workflows/:id/cancel',
      {
        config: { scope: 'jobs:write' },
        schema: {
          tags: ['workflows'],
          operationId: 'cancelWorkflow',
          summary: 'Cancel a running workflow and its queued or running steps',
          params: WorkflowIdParams,
          response: { 202: SubmitWorkflowResponse },
        },
      },
      async (req, reply) => {
        await visible(req.principal, req.params.id);
        const record = await workflows.cancel(req.params.id);
        return reply.code(202).send({ id: record.id, status: record.status });
      },
    );

    app.post(
      '/v1/workflows/:id/retry',
      {
        config: { scope: 'jobs:write' },
        schema: {
          tags: ['workflows'],
          operationId: 'retryWorkflow',
          summary: 'Re-run the failed, cancelled and skipped steps of a workflow; succeeded steps keep their outputs',
          params: WorkflowIdParams,
          response: { 202: SubmitWorkflowResponse },
        },
      },
      async (req, reply) => {
        // A retry queues the steps again: the retrying key needs what a submit would.
        await assertMaySubmit(deps.jobs, req.principal, taskTypes((await visible(req.principal, req.params.id)).spec));
        const record = await workflows.retry(req.params.id);
        return reply.code(202).send({ id: record.id, status: record.status });
      },
    );
  };

function taskTypes(spec: WorkflowSpec): string[] {
  return [...spec.steps.map((s) => s.type), ...(spec.onError ? [spec.onError.type] : [])];
}
