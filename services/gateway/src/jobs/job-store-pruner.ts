import type { JobStore } from '@reelay/job-store';
import type { Logger } from '@reelay/runtime';
import type { GatewayEnv } from '../config.js';

export interface StorePruner {
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** Retention in ms from the config: JOB_STORE_RETENTION_HOURS, else EVENTS_MAX_AGE_HOURS; undefined for "never". */
export function storeRetentionMs(config: Pick<GatewayEnv, 'JOB_STORE_RETENTION_HOURS' | 'EVENTS_MAX_AGE_HOURS'>): number | undefined {
  const hours = config.JOB_STORE_RETENTION_HOURS ?? config.EVENTS_MAX_AGE_HOURS;
  return hours > 0 ? hours * 3_600_000 : undefined;
}

/**
 * The job store's retention: every `intervalMs` (and once at start, so a gateway that
 * restarts more often than the interval still prunes) it deletes the finished jobs not
 * changed for `retentionMs` (JobStore.prune). The default retention is EVENTS' own max
 * age, so the store keeps what the stream keeps; an in-memory store rebuilt from EVENTS
 * at each start sees the same jobs either way. A failed pass (the database away) is
 * logged and tried again at the next interval; passes never overlap.
 */
export function startStorePruner(
  deps: { store: JobStore; log: Logger },
  options: { retentionMs: number; intervalMs: number },
): StorePruner {
  let running: Promise<void> | undefined;
  const pass = () => {
    running ??= (async () => {
      const started = Date.now();
      try {
        const deleted = await deps.store.prune(started - options.retentionMs);
        if (deleted > 0) deps.log.info({ deleted, took_ms: Date.now() - started }, 'job store pruned');
      } catch (err) {
        deps.log.warn({ err }, 'job store prune failed; trying again at the next interval');
      } finally {
        running = undefined;
      }
    })();
  };
  const timer = setInterval(pass, options.intervalMs);
  timer.unref();
  pass();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
