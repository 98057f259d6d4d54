import type { JobEnvelope, JobRecord } from '@reelay/contracts';

/**
 * A job's record before any attempt: what the job client writes at submit, and what a
 * worker assumes on a first delivery without reading it back.
 */
export function initialRecord(envelope: JobEnvelope, runAt?: Date): JobRecord {
  const delayed = runAt !== undefined && runAt.getTime() > Date.now();
  const record: JobRecord = {
    ...envelope,
    status: delayed ? 'scheduled' : 'queued',
    progress: 0,
    attempts: 0,
    freeRedeliveries: 0,
    errors: [],
    updatedAt: envelope.createdAt,
  };
  if (delayed) record.runAt = runAt.toISOString();
  return record;
}
