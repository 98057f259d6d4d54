import type { NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.js';

/** The connection as the outbox sees it: each call to `publish`, in order, with the flush it went out in. */
function recordingConnection() {
  const sent: { subject: string; flush: number }[] = [];
  let flush = 0;
  const nc = {
    publish(subject: string) {
      sent.push({ subject, flush });
    },
  } as unknown as NatsConnection;
  return { nc, sent, nextFlush: () => (flush += 1) };
}

const bytes = new Uint8Array();
const turn = () => new Promise<void>((r) => setImmediate(r));

describe('outbox', () => {
  it('sends what one turn queued together at its end, in the order it was queued', async () => {
    const { nc, sent } = recordingConnection();
    const box = new Outbox(nc);
    box.publish('a', bytes);
    box.publish('b', bytes);
    expect(sent).toEqual([]);
    await turn();
    expect(sent.map((s) => s.subject)).toEqual(['a', 'b']);
  });

  it('holds a publishLater for the next write and sends it after what that write was made for', async () => {
    const { nc, sent, nextFlush } = recordingConnection();
    const box = new Outbox(nc);
    box.publishLater('ack-1', bytes);
    await turn();
    // No write of its own at the end of the turn.
    expect(sent).toEqual([]);
    nextFlush();
    box.publish('record-2', bytes);
    await turn();
    expect(sent).toEqual([
      { subject: 'record-2', flush: 1 },
      { subject: 'ack-1', flush: 1 },
    ]);
  });

  it('sends a publishLater on its own within a few milliseconds when no other write comes', async () => {
    const { nc, sent } = recordingConnection();
    const box = new Outbox(nc);
    box.publishLater('ack-1', bytes);
    box.publishLater('ack-2', bytes);
    await new Promise((r) => setTimeout(r, 20));
    expect(sent.map((s) => s.subject)).toEqual(['ack-1', 'ack-2']);
  });

  it('a publishLater queued while a write is scheduled goes out with that write, after it', async () => {
    const { nc, sent } = recordingConnection();
    const box = new Outbox(nc);
    box.publishLater('ack-1', bytes);
    box.publish('pull-2', bytes);
    box.publishLater('ack-2', bytes);
    box.publish('record-3', bytes);
    await turn();
    expect(sent.map((s) => s.subject)).toEqual(['pull-2', 'record-3', 'ack-1', 'ack-2']);
    // Sent once: the fallback timer of the first publishLater was cleared by that write.
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toHaveLength(4);
  });

  it('takes back a publish until its turn ends, and not after it was sent', async () => {
    const { nc, sent } = recordingConnection();
    const box = new Outbox(nc);
    const running = box.publish('running', bytes);
    box.publish('succeeded', bytes);
    expect(box.withdraw(running)).toBe(true);
    // Once only: a second withdraw has nothing left to take back.
    expect(box.withdraw(running)).toBe(false);
    await turn();
    expect(sent.map((s) => s.subject)).toEqual(['succeeded']);

    const late = box.publish('running-2', bytes);
    await turn();
    expect(box.withdraw(late)).toBe(false);
    expect(sent.map((s) => s.subject)).toEqual(['succeeded', 'running-2']);
  });
});
