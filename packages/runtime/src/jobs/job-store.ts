import { DLQ_STREAM, EVENTS_STREAM, type JobEventKind, JobEvent, type JobRecord, jobEventSubject } from '@reelay/contracts';
import type { PubAck } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { NatsContext } from '../nats/connection.js';

const encoder = new TextEncoder();

/**
 * Job records live as events: every change publishes the whole record on
 * `events.jobs.<id>`, and the latest record is a direct get of the last message on
 * that subject. One write per change (no event + KV pair), one lookup per read.
 */
export class JobStore {
  constructor(private readonly ctx: NatsContext) {}

  /** Publishes the record; resolves once the EVENTS stream has it. */
  write(job: JobRecord, kind: JobEventKind = 'state', headers?: MsgHdrs): Promise<PubAck> {
    const event: JobEvent = { kind, job: { ...job, updatedAt: new Date().toISOString() } };
    return this.ctx.js.publish(jobEventSubject(job.id), encoder.encode(JSON.stringify(event)), {
      ...(headers ? { headers } : {}),
    });
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const stored = await this.ctx.jsm.direct.getMessage(EVENTS_STREAM, { last_by_subj: jobEventSubject(id) });
    if (!stored) return undefined;
    return JobEvent.parse(stored.json()).job;
  }
}

/** The DLQ stream holds one message per dead job on `dlq.<queue>.<id>`. */
export { DLQ_STREAM };
