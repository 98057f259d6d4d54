import { describe, expect, it } from 'vitest';
import { waitUntil } from '../testing/wait-until.js';
import { EventLoopWatch } from './event-loop-watch.js';

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else runs on this thread meanwhile
  }
}

describe('EventLoopWatch', () => {
  it('a turning event loop is responsive', async () => {
    const watch = new EventLoopWatch({ intervalMs: 10, maxLagMs: 200 }).start();
    await new Promise((r) => setTimeout(r, 50));
    expect(watch.responsive()).toBe(true);
    watch.stop();
  });

  it('a blocked event loop is not responsive, and is again once its ticks come on time', async () => {
    const watch = new EventLoopWatch({ intervalMs: 10, maxLagMs: 100 }).start();
    await new Promise((r) => setTimeout(r, 20));
    blockFor(300);
    expect(watch.lagMs()).toBeGreaterThan(100);
    expect(watch.responsive()).toBe(false);
    await waitUntil(() => watch.responsive() || undefined, { what: 'the watch to recover' });
    watch.stop();
  });
});
