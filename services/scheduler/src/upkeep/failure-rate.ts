import { ALL_JOB_EVENTS, DeadLetter, DLQ_STREAM, EVENTS_STREAM, JobEvent, type JobStatus } from '@reelay/contracts';
import { DeliverPolicy, type NatsContext } from '@reelay/runtime';

export interface WindowCounts {
  succeeded: number;
  failed: number;
}

/** `undefined`: every project (the system-wide run); otherwise that project alone. */
type ProjectFilter = string | undefined;

/**
 * How many jobs finished, and how many of those failed, since `since`: read from the
 * job events on the EVENTS stream (each state change carries the whole record), from
 * the first event at or after `since`. A job counts once, by the last outcome seen.
 */
export async function countFinished(ctx: NatsContext, since: Date, signal: AbortSignal, project: ProjectFilter): Promise<WindowCounts> {
  const outcome = new Map<string, JobStatus>();
  await readAll(
    ctx,
    EVENTS_STREAM,
    { filter_subjects: ALL_JOB_EVENTS, deliver_policy: DeliverPolicy.StartTime, opt_start_time: since.toISOString() },
    signal,
    (data) => {
      const event = JobEvent.safeParse(data);
      if (!event.success || (project !== undefined && event.data.job.project !== project)) return;
      const status = event.data.job.status;
      if (status === 'succeeded' || status === 'failed') outcome.set(event.data.job.id, status);
    },
  );
  let failed = 0;
  for (const status of outcome.values()) if (status === 'failed') failed += 1;
  return { succeeded: outcome.size - failed, failed };
}

/**
 * Dead letters waiting, per queue (DLQ subjects are `dlq.<queue>.<jobId>`). Every
 * project's: the subject counts from the stream info. One project's: the subjects carry
 * no project, so the last message on each is read and its job's project compared.
 */
export async function deadLettersByQueue(ctx: NatsContext, signal: AbortSignal, project: ProjectFilter): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const add = (subject: string, count: number) => {
    const queue = subject.split('.')[1] ?? 'unknown';
    out[queue] = (out[queue] ?? 0) + count;
  };
  if (project === undefined) {
    const info = await ctx.jsm.streams.info(DLQ_STREAM, { subjects_filter: 'dlq.>' });
    for (const [subject, count] of Object.entries(info.state.subjects ?? {})) add(subject, count);
    return out;
  }
  await readAll(ctx, DLQ_STREAM, { filter_subjects: 'dlq.>', deliver_policy: DeliverPolicy.LastPerSubject }, signal, (data, subject) => {
    const dead = DeadLetter.safeParse(data);
    if (dead.success && dead.data.job.project === project) add(subject, 1);
  });
  return out;
}

interface ReadOptions {
  /** One subject: nats-server 2.9 takes no list. */
  filter_subjects: string;
  deliver_policy: DeliverPolicy;
  opt_start_time?: string;
}

/** Reads a stream through an ordered consumer up to what was there when it started. */
async function readAll(
  ctx: NatsContext,
  stream: string,
  options: ReadOptions,
  signal: AbortSignal,
  each: (data: unknown, subject: string) => void,
): Promise<void> {
  const consumer = await ctx.js.consumers.get(stream, options);
  if ((await consumer.info(true)).num_pending === 0) return;
  const messages = await consumer.consume();
  signal.addEventListener('abort', () => void messages.stop(), { once: true });
  for await (const m of messages) {
    let data: unknown;
    try {
      data = m.json();
    } catch {
      data = undefined; // not JSON: no record of ours, skipped by the caller's parse
    }
    each(data, m.subject);
    if (m.info.pending === 0) break;
  }
  await messages.close().catch(() => {});
  if (signal.aborted) throw signal.reason;
}
