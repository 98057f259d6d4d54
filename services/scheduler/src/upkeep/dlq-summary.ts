import { type DlqSummaryOutput, UpkeepEventKind, type upkeepTasks } from '@reelay/contracts';
import type { TaskHandler, NatsContext } from '@reelay/runtime';
import { countFinished, deadLettersByQueue } from './failure-rate.js';
import type { SystemEvents } from './system-events.js';
import { actsOnEveryProject } from './upkeep-scope.js';

/**
 * `system.dlq-summary`: the failure rate over the last window and the DLQ depth per
 * queue, published as an `events.system.dlq-summary` event every run; above the
 * threshold (with at least minJobs finished) also a warning, an
 * `events.system.failure-rate` event and the alert webhook.
 *
 * That is the system project's run (the built-in schedule's), over every project. A job
 * of any other project counts that project's jobs and dead letters alone and only
 * returns them: the system events and the webhook are the operator's channel, which a
 * project's figures neither belong on nor may set off, so it never alerts.
 */
export function dlqSummary(ctx: NatsContext, events: SystemEvents): TaskHandler<(typeof upkeepTasks)['system.dlq-summary']> {
  return async (input, job) => {
    const everyProject = actsOnEveryProject(job.job);
    const project = everyProject ? undefined : job.job.project;
    const since = new Date(Date.now() - input.windowMinutes * 60_000);
    const { succeeded, failed } = await countFinished(ctx, since, job.signal, project);
    const deadLetters = await deadLettersByQueue(ctx, job.signal, project);
    const finished = succeeded + failed;
    const failureRate = finished === 0 ? 0 : failed / finished;
    const alerted = everyProject && finished >= input.minJobs && failureRate > input.threshold;
    const summary: DlqSummaryOutput = { windowMinutes: input.windowMinutes, succeeded, failed, failureRate, alerted, deadLetters };
    if (!everyProject) return summary;
    const pct = (failureRate * 100).toFixed(1);
    await events.publish(
      UpkeepEventKind.dlqSummary,
      `${failed} of ${finished} jobs failed in the last ${input.windowMinutes} min`,
      summary,
    );
    if (alerted) {
      await events.alert(
        UpkeepEventKind.failureRate,
        `failure rate ${pct}% over the last ${input.windowMinutes} min is above ${(input.threshold * 100).toFixed(1)}%`,
        summary,
      );
    }
    return summary;
  };
}
