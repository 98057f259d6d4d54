/**
 * Failed authentications per client address, in fixed windows. Past the limit every
 * request from that address is refused until its window ends — one with a good key
 * too, or a guesser would learn from the status which guess was right.
 */
export class FailedAuthThrottle {
  private readonly windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    /** Addresses tracked at most; past it the oldest windows are forgotten first. */
    private readonly maxClients = 100_000,
  ) {}

  /** Milliseconds until `client` may try again; 0 when it may now. */
  retryAfterMs(client: string): number {
    const window = this.windows.get(client);
    if (!window) return 0;
    const now = this.now();
    if (window.endsAt <= now) {
      this.windows.delete(client);
      return 0;
    }
    return window.failures >= this.maxFailures ? window.endsAt - now : 0;
  }

  recordFailure(client: string): void {
    const now = this.now();
    const window = this.windows.get(client);
    if (window && window.endsAt > now) {
      window.failures += 1;
      return;
    }
    this.windows.delete(client);
    if (this.windows.size >= this.maxClients) this.forgetOldest(now);
    this.windows.set(client, { failures: 1, endsAt: now + this.windowMs });
  }

  private forgetOldest(now: number): void {
    for (const [client, window] of this.windows) if (window.endsAt <= now) this.windows.delete(client);
    // A Map iterates in insertion order: the first entries are the oldest windows.
    for (const client of this.windows.keys()) {
      if (this.windows.size < this.maxClients) break;
      this.windows.delete(client);
    }
  }
}
