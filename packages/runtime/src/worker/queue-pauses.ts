import type { KV } from '@nats-io/kv';

/**
 * Paused queues, from KV `queues` (`<queue>` → {"paused":true}). Workers skip a paused
 * queue's consumers; messages stay in the stream until it is resumed.
 */
export class QueuePauses {
  private readonly paused = new Set<string>();
  private stopFn: (() => void) | undefined;

  constructor(private readonly kv: KV) {}

  async start(onChange: () => void): Promise<void> {
    const watcher = await this.kv.watch({ key: '>' });
    this.stopFn = () => watcher.stop();
    let resolveReady: () => void = () => {};
    const ready = new Promise<void>((r) => {
      resolveReady = r;
    });
    void (async () => {
      for await (const e of watcher) {
        if (e.operation === 'PUT' && (JSON.parse(e.string()) as { paused?: boolean }).paused) this.paused.add(e.key);
        else this.paused.delete(e.key);
        onChange();
        if (e.delta === 0) resolveReady();
      }
    })();
    // An empty bucket yields nothing, so do not wait on the first entry forever.
    const status = await this.kv.status();
    if (status.values === 0) resolveReady();
    await Promise.race([ready, new Promise((r) => setTimeout(r, 2_000))]);
  }

  has(queue: string): boolean {
    return this.paused.has(queue);
  }

  stop(): void {
    this.stopFn?.();
  }
}
