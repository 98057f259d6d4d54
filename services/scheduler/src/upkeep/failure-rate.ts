import { ALL_JOB_EVENTS, DLQ_STREAM, EVENTS_STREAM, JobEvent, type JobStatus } from '@reelay/contracts';
import { DeliverPolicy, type NatsContext } from '@reelay/runtime';

export interface WindowCounts {
  succeeded: number;
  failed: number;
}

/**
 * How many jobs finished, and how many of those failed, since `since`: read from the
 * job events on the EVENTS stream (each state change carries the whole record), from
 * the first event at or after `since`. A job counts once, by the last outcome seen.
 */
export async function countFinished(ctx: NatsContext, since: Date, signal: AbortSignal): Promise<WindowCounts> {
  const consumer = await ctx.js.consumers.get(EVENTS_STREAM, {
    filter_subjects: ALL_JOB_EVENTS,
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: since.toISOString(),
  });
  const outcome = new Map<string, JobStatus>();
  if ((await consumer.info(true)).num_pending > 0) {
    const messages = await consumer.consume();
    signal.addEventListener('abort', () => void messages.stop(), { once: true });
    for await (const m of messages) {
      const event = JobEvent.safeParse(m.json());
      const status = event.success ? event.data.job.status : undefined;
      if (event.success && (status === 'succeeded' || status === 'failed')) outcome.set(event.data.job.id, status);
      if (m.info.pending === 0) break;
    }
    await messages.close().catch(() => {});
    if (signal.aborted) throw signal.reason;
  }
  let failed = 0;
  for (const status of outcome.values()) if (status === 'failed') failed += 1;
  return { succeeded: outcome.size - failed, failed };
}

/** Dead letters waiting, per queue (DLQ subjects are `dlq.<queue>.<jobId>`). */
export async function deadLettersByQueue(ctx: NatsContext): Promise<Record<string, number>> {
  const info = await ctx.jsm.streams.info(DLQ_STREAM, { subjects_filter: 'dlq.>' });
  const out: Record<string, number> = {};
  for (const [subject, count] of Object.entries(info.state.subjects ?? {})) {
    const queue = subject.split('.')[1] ?? 'unknown';
    out[queue] = (out[queue] ?? 0) + count;
  }
  return out;
}
