import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { JobMessage } from './job-message.js';
import { outbox } from './outbox.js';

interface PendingPull {
  batch: number;
  messages: JobMessage[];
  resolve: (messages: JobMessage[]) => void;
  timer: NodeJS.Timeout;
}

interface ConsumerInbox {
  subject: string;
  sub: Subscription;
  current: PendingPull | undefined;
  /** Pulls wait their turn: one outstanding request per consumer keeps attribution exact. */
  queue: Promise<unknown>;
}

/**
 * Takes messages from pull consumers with raw `$JS.API.CONSUMER.MSG.NEXT` requests and
 * `no_wait`.
 *
 * Why not nats.js `fetch`: it needs `expires` ≥ 1 s and an empty fetch waits that long,
 * so asking three band consumers in priority order would cost seconds when the upper
 * bands are empty. A `no_wait` request answers at once — with the messages there are,
 * then a 404/408 status — in well under a millisecond on loopback.
 *
 * Delivered messages carry their original subject, not the reply inbox, so a request
 * is recognised by its subscription: one inbox per consumer, one request at a time.
 */
export class Puller {
  private readonly inboxes = new Map<string, ConsumerInbox>();
  private readonly prefix = createInbox();

  constructor(
    private readonly nc: NatsConnection,
    /** Called for a message whose request already gave up waiting; the caller must settle it. */
    private readonly onLate: (message: JobMessage) => void,
  ) {}

  /** Up to `batch` messages that are waiting now; never waits for new ones. */
  take(stream: string, consumer: string, batch: number, timeoutMs = 5_000): Promise<JobMessage[]> {
    if (batch <= 0) return Promise.resolve([]);
    const inbox = this.inboxFor(stream, consumer);
    const run = inbox.queue.then(
      () =>
        new Promise<JobMessage[]>((resolve) => {
          const timer = setTimeout(() => this.finish(inbox), timeoutMs);
          inbox.current = { batch, messages: [], resolve, timer };
          // Through the outbox: a pull that follows an ack leaves in the same write.
          outbox(this.nc).publish(
            `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
            Buffer.from(`{"batch":${batch},"no_wait":true}`),
            { reply: inbox.subject },
            () => this.finish(inbox),
          );
        }),
    );
    inbox.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    for (const inbox of this.inboxes.values()) {
      inbox.sub.unsubscribe();
      this.finish(inbox);
    }
    this.inboxes.clear();
  }

  private inboxFor(stream: string, consumer: string): ConsumerInbox {
    const key = `${stream}/${consumer}`;
    let inbox = this.inboxes.get(key);
    if (!inbox) {
      const subject = `${this.prefix}.${this.inboxes.size}`;
      const created: ConsumerInbox = {
        subject,
        current: undefined,
        queue: Promise.resolve(),
        sub: this.nc.subscribe(subject, { callback: (_err, msg) => this.receive(created, msg) }),
      };
      inbox = created;
      this.inboxes.set(key, inbox);
    }
    return inbox;
  }

  private receive(inbox: ConsumerInbox, msg: Msg): void {
    if (!msg.reply) {
      // A status: 404 no messages, 408 request expired, 409 consumer gone. The pull is over.
      if (msg.headers && msg.headers.code > 0) this.finish(inbox);
      return;
    }
    const message = new JobMessage(this.nc, msg);
    const pull = inbox.current;
    if (!pull) {
      this.onLate(message);
      return;
    }
    pull.messages.push(message);
    if (pull.messages.length >= pull.batch) this.finish(inbox);
  }

  private finish(inbox: ConsumerInbox): void {
    const pull = inbox.current;
    if (!pull) return;
    inbox.current = undefined;
    clearTimeout(pull.timer);
    pull.resolve(pull.messages);
  }
}
