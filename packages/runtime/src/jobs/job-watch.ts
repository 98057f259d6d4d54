import { DeliverPolicy } from '@nats-io/jetstream';
import { EVENTS_STREAM, JobEvent, JobId, type JobRecord, jobEventSubject } from '@reelay/contracts';
import type { NatsContext } from '../nats/connection.js';
import { InvalidInputError } from './job-client.js';

/**
 * Watching one job from outside the worker: the gateway's SSE and WebSocket routes.
 * Every id is checked against the job id format first, so a client's `>` or `a b` never
 * becomes a subject (a wildcard would be every project's jobs). Visibility is the
 * caller's business: look the job up and check its project before watching it.
 */

export interface JobEventDelivery {
  event: JobEvent;
  /** The event's sequence in the EVENTS stream: what a client resumes after. */
  seq: number;
  /** How many of the job's events are stored after this one: 0 means it is the latest so far. */
  pending: number;
}

export interface JobWatch {
  stop(): void;
}

export interface FollowedJob extends JobWatch {
  /** How many of the job's events were stored from the start point on when following began: 0, none to replay. */
  pendingAtStart: number;
}

function checkedSubject(jobId: string): string {
  if (!JobId.safeParse(jobId).success) throw new InvalidInputError(`not a job id: ${JSON.stringify(jobId.slice(0, 80))}`);
  return jobEventSubject(jobId);
}

/**
 * A job's events in order from the EVENTS stream: from its latest event, or from the one
 * after `afterSeq` when the client resumes (0: its whole history), then each new one as
 * it is stored. Events that do not parse are skipped.
 */
export async function followJobEvents(
  ctx: NatsContext,
  jobId: string,
  options: { afterSeq?: number | undefined },
  onEvent: (delivery: JobEventDelivery) => void,
): Promise<FollowedJob> {
  const subject = checkedSubject(jobId);
  const { afterSeq } = options;
  const consumer = await ctx.js.consumers.get(EVENTS_STREAM, {
    filter_subjects: subject,
    ...(afterSeq === undefined
      ? { deliver_policy: DeliverPolicy.LastPerSubject }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: afterSeq + 1 }),
  });
  const pendingAtStart = (await consumer.info(true)).num_pending;
  const messages = await consumer.consume({
    callback: (m) => {
      let event: JobEvent;
      try {
        event = JobEvent.parse(m.json());
      } catch {
        return;
      }
      onEvent({ event, seq: m.seq, pending: m.info.pending });
    },
  });
  return { pendingAtStart, stop: () => void messages.stop() };
}

/**
 * Each new record of a job as it is written (core NATS, nothing replayed): for a client
 * that reads the current record itself, after it starts watching so no change is missed.
 */
export function watchJobRecord(ctx: NatsContext, jobId: string, onRecord: (job: JobRecord) => void): JobWatch {
  const sub = ctx.nc.subscribe(checkedSubject(jobId), {
    callback: (err, m) => {
      if (err) return;
      let event: JobEvent;
      try {
        event = JobEvent.parse(m.json());
      } catch {
        return;
      }
      onRecord(event.job);
    },
  });
  return { stop: () => sub.unsubscribe() };
}
