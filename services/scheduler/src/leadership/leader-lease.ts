import type { KV } from '../nats-handles.js';
import type { Logger } from '@reelay/runtime';

/** The KV `locks` key whose holder fires schedules. */
export const LEADER_KEY = 'scheduler-leader';
/** The `locks` bucket's TTL (runtime topology): an unrenewed lease vanishes after this. */
export const LOCK_TTL_MS = 10_000;

/**
 * Leader election through KV `locks`: whoever creates `scheduler-leader` leads, and keeps
 * it by updating it at its own revision every `renewMs`. Followers retry the create; it
 * succeeds once the key has expired (TTL) or been deleted by a leader that stopped.
 *
 * A leader stops leading the moment a renewal fails (someone else holds the key, or
 * NATS is unreachable), and `isLeader` also turns false once a renewal is overdue by more
 * than the TTL minus one renewal, so a stalled process never fires alongside a new leader.
 */
export class LeaderLease {
  private revision = 0;
  private renewedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private leading = false;
  private readonly listeners = new Set<(leading: boolean) => void>();

  constructor(
    private readonly locks: KV,
    readonly instanceId: string,
    private readonly log: Logger,
    private readonly renewMs = 3_000,
  ) {}

  get isLeader(): boolean {
    return this.leading && Date.now() - this.renewedAt < LOCK_TTL_MS - this.renewMs;
  }

  onChange(listener: (leading: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.running = true;
    await this.round();
  }

  /** Steps down: deletes the key if still ours, so a follower takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.leading) {
      this.setLeading(false);
      // Deleting at our revision only: never remove a lease someone else has taken.
      const entry = await this.locks.get(LEADER_KEY).catch(() => null);
      if (entry && entry.revision === this.revision) await this.locks.delete(LEADER_KEY).catch(() => {});
    }
  }

  private async round(): Promise<void> {
    try {
      if (this.leading) {
        this.revision = await this.locks.update(LEADER_KEY, this.instanceId, this.revision);
        this.renewedAt = Date.now();
      } else {
        this.revision = await this.locks.create(LEADER_KEY, this.instanceId);
        this.renewedAt = Date.now();
        this.setLeading(true);
      }
    } catch (err) {
      if (this.leading) {
        this.log.warn({ err: String(err) }, 'leader lease renewal failed: stepping down');
        this.setLeading(false);
      }
      // A follower's failed create is the normal case: someone else leads.
    }
    if (this.running) {
      this.timer = setTimeout(() => void this.round(), this.renewMs);
      this.timer.unref();
    }
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.log.info({ instance: this.instanceId, leading }, leading ? 'became scheduler leader' : 'no longer scheduler leader');
    for (const listener of this.listeners) listener(leading);
  }
}
