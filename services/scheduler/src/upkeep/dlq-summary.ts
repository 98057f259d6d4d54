import { type DlqSummaryInput, type DlqSummaryOutput, UpkeepEventKind } from '@reelay/contracts';
import type { Handler, NatsContext } from '@reelay/runtime';
import { countFinished, deadLettersByQueue } from './failure-rate.js';
import type { SystemEvents } from './system-events.js';

/**
 * `system.dlq-summary`: the failure rate over the last window and the DLQ depth per
 * queue, published as an `events.system.dlq-summary` event every run; above the
 * threshold (with at least minJobs finished) also a warning, an
 * `events.system.failure-rate` event and the alert webhook.
 */
export function dlqSummary(ctx: NatsContext, events: SystemEvents): Handler<Required<DlqSummaryInput>, DlqSummaryOutput> {
  return async (input, job) => {
    const since = new Date(Date.now() - input.windowMinutes * 60_000);
    const { succeeded, failed } = await countFinished(ctx, since, job.signal);
    const deadLetters = await deadLettersByQueue(ctx);
    const finished = succeeded + failed;
    const failureRate = finished === 0 ? 0 : failed / finished;
    const alerted = finished >= input.minJobs && failureRate > input.threshold;
    const summary: DlqSummaryOutput = { windowMinutes: input.windowMinutes, succeeded, failed, failureRate, alerted, deadLetters };
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
