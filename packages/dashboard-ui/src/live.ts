/**
 * One WebSocket to /v1/ws for the whole page (the session cookie authenticates the
 * handshake): components subscribe to job ids and get each job's record as it changes.
 * Reconnects with a growing delay and subscribes again to what is still wanted.
 */
import type { JobRecord, WsServerMessage } from './contracts';

type Listener = (job: JobRecord) => void;

const listeners = new Map<string, Set<Listener>>();
let socket: WebSocket | undefined;
let open = false;
let retryMs = 500;
let stopped = true;

function connect(): void {
  if (stopped || socket) return;
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/ws`);
  socket = ws;
  ws.onopen = () => {
    open = true;
    retryMs = 500;
    const ids = [...listeners.keys()];
    for (let i = 0; i < ids.length; i += 1000) send({ type: 'subscribe', jobIds: ids.slice(i, i + 1000) });
  };
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data)) as WsServerMessage;
    if (m.type !== 'job') return;
    for (const l of listeners.get(m.job.id) ?? []) l(m.job);
  };
  ws.onclose = () => {
    open = false;
    socket = undefined;
    if (stopped) return;
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };
}

function send(m: unknown): void {
  if (open && socket) socket.send(JSON.stringify(m));
}

/** Starts the socket (after sign-in); stop() closes it and forgets every subscription. */
export function startLive(): void {
  stopped = false;
  connect();
}

export function stopLive(): void {
  stopped = true;
  listeners.clear();
  socket?.close();
  socket = undefined;
  open = false;
}

/** Watch these jobs; the returned function stops watching them. */
export function watchJobs(ids: readonly string[], listener: Listener): () => void {
  const fresh: string[] = [];
  for (const id of ids) {
    let set = listeners.get(id);
    if (!set) {
      set = new Set();
      listeners.set(id, set);
      fresh.push(id);
    }
    set.add(listener);
  }
  if (fresh.length) send({ type: 'subscribe', jobIds: fresh });
  return () => {
    const gone: string[] = [];
    for (const id of ids) {
      const set = listeners.get(id);
      set?.delete(listener);
      if (set && set.size === 0) {
        listeners.delete(id);
        gone.push(id);
      }
    }
    if (gone.length) send({ type: 'unsubscribe', jobIds: gone });
  };
}
