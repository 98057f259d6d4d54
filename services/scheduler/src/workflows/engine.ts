/**
 * The workflow engine: turns job events into workflow progress. It runs no jobs itself;
 * it reads `events.jobs.>` through one durable pull consumer that every scheduler
 * replica shares (so each event is handled once), and moves the workflow a finished
 * step belongs to on: records the outcome, queues the steps that became ready, or
 * fails/finishes the workflow. Started by the scheduler's main.ts.
 */
import { EVENTS_STREAM, JobEvent } from '@reelay/contracts';
import { context, contextFromCarrier, inSpan, type ServiceRuntime, WorkflowClient } from '@reelay/runtime';
import { ensureEventConsumer, WORKFLOW_EVENTS_CONSUMER } from './event-consumer.js';
import { startDueSweeper } from './due-sweeper.js';
import { mayBeStepEvent, parseJson } from './step-events.js';

export interface WorkflowEngine {
  stop(): Promise<void>;
}

/** A failed handling (NATS hiccup) comes back after this, not in a hot loop. */
const RETRY_DELAY_MS = 1_000;

export interface WorkflowEngineOptions {
  /** A workflow written with steps due and not written again for this long has them queued by the engine. */
  dueGraceMs: number;
}

export async function startWorkflowEngine(runtime: ServiceRuntime, options: WorkflowEngineOptions): Promise<WorkflowEngine> {
  const { ctx, logger } = runtime;
  const log = logger.child({ component: 'workflows' });
  const workflows = new WorkflowClient(runtime.jobs, runtime.buckets.workflows);
  await ensureEventConsumer(ctx.jsm, runtime.config.ACK_WAIT_MS);
  // Watching before the start-up reconcile: a record left due meanwhile is seen by one or the other.
  const sweeper = await startDueSweeper(runtime.buckets.workflows, workflows, log, options.dueGraceMs);

  // Outcomes that landed while no engine ran (or before the consumer existed) are
  // caught up from the job records themselves.
  for (const id of await workflows.unfinishedIds()) {
    await workflows.reconcile(id).catch((err) => log.warn({ err, workflow_id: id }, 'reconcile failed'));
  }

  const consumer = await ctx.js.consumers.get(EVENTS_STREAM, WORKFLOW_EVENTS_CONSUMER);
  const messages = await consumer.consume({ max_messages: 256 });
  const loop = (async () => {
    for await (const m of messages) {
      if (!mayBeStepEvent(m.data)) {
        m.ack();
        continue;
      }
      const parsed = JobEvent.safeParse(parseJson(m.data));
      // Most events are not workflow steps, and progress events never finish one.
      if (!parsed.success || !parsed.data.job.workflowId || parsed.data.kind !== 'state') {
        m.ack();
        continue;
      }
      const job = parsed.data.job;
      try {
        const before = await workflows.get(job.workflowId as string);
        const parent = before ? contextFromCarrier(before.trace) : context.active();
        await inSpan(
          'workflow step event',
          {
            parent,
            attributes: {
              'reelay.workflow.id': job.workflowId ?? '',
              'reelay.workflow.step': job.stepId ?? '',
              'reelay.job.status': job.status,
            },
          },
          () => workflows.onJob(job),
        );
        m.ack();
      } catch (err) {
        log.error({ err, workflow_id: job.workflowId, job_id: job.id }, 'workflow event failed; redelivering');
        m.nak(RETRY_DELAY_MS);
      }
    }
  })().catch((err) => log.error({ err }, 'workflow event loop stopped'));
  log.info('workflow engine started');

  return {
    async stop() {
      await sweeper.stop();
      await messages.close();
      await loop;
      log.info('workflow engine stopped');
    },
  };
}
