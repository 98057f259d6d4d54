import { isTerminal, JobEvent } from '@reelay/contracts';
import type { EventsOptions, JobStreamEvent } from './job-types.js';
import { resumableSse } from './sse-reader.js';
import { parseBody, type Transport } from './transport.js';

/**
 * GET /v1/jobs/:id/events as an async iterator of validated JobEvents. It resumes after a
 * dropped connection from the last stream sequence seen, and ends after the job's terminal
 * state event (the server ends the stream there too).
 */
export function jobEvents(transport: Transport, id: string, options: EventsOptions = {}): AsyncGenerator<JobStreamEvent, void, undefined> {
  const path = `/v1/jobs/${encodeURIComponent(id)}/events`;
  return resumableSse<JobStreamEvent>({
    open: (lastEventId, signal) =>
      transport.stream(path, { headers: { accept: 'text/event-stream', 'last-event-id': lastEventId }, signal }),
    decode: (message) => {
      // Keep-alives and event types this SDK does not know yet are skipped, not errors.
      if (message.event !== 'state' && message.event !== 'progress') return undefined;
      const event = parseBody(JobEvent, message.data, `event ${message.id ?? '?'} of job ${id}`);
      return { ...event, eventId: message.id };
    },
    isFinal: (event) => event.kind === 'state' && isTerminal(event.job.status),
    lastEventId: options.lastEventId,
    signal: options.signal,
    reconnectDelayMs: options.reconnectDelayMs,
    maxReconnects: options.maxReconnects,
  });
}
