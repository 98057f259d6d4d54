/**
 * A job's whole history and then its live changes, from GET /v1/jobs/:id/events with
 * `Last-Event-ID: 0` (EventSource cannot send that header on its first request, so this is
 * fetch + eventsource-parser). The stream ends by itself once the job finishes.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { JobEvent } from './contracts';

export function followJob(id: string, onEvent: (e: JobEvent, seq: number) => void, onError: (err: unknown) => void): () => void {
  const abort = new AbortController();
  const run = async () => {
    const res = await fetch(`/v1/jobs/${encodeURIComponent(id)}/events`, {
      headers: { accept: 'text/event-stream', 'last-event-id': '0' },
      credentials: 'same-origin',
      signal: abort.signal,
    });
    if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
    const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
    for await (const e of events) {
      if (!e.id) continue;
      onEvent(JSON.parse(e.data) as JobEvent, Number(e.id));
    }
    // Ended: the job finished. A requeue starts a new run; the page follows it again.
  };
  run().catch((err: unknown) => {
    if (!abort.signal.aborted) onError(err);
  });
  return () => abort.abort();
}
