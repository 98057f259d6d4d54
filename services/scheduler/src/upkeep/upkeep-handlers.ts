import type { ArtifactStore, Handler, NatsContext } from '@reelay/runtime';
import type { KV } from '../nats-handles.js';
import { artifactCleanup } from './artifact-cleanup.js';
import { dlqSummary } from './dlq-summary.js';
import type { SystemEvents } from './system-events.js';
import { workerHealth } from './worker-health.js';

/**
 * The scheduler's worker serves these beside system.noop/sleep; the built-in schedules
 * enqueue them. `artifacts` is the whole store, for the system project's sweep alone
 * (see upkeep-scope.ts); every other cleanup goes through the job's own ctx.artifacts.
 */
export function upkeepHandlers(deps: {
  ctx: NatsContext;
  workers: KV;
  events: SystemEvents;
  artifacts: ArtifactStore;
}): Record<string, Handler> {
  return {
    'system.cleanup': artifactCleanup(deps.artifacts),
    'system.dlq-summary': dlqSummary(deps.ctx, deps.events),
    'system.health-check': workerHealth(deps.workers, deps.events),
  };
}
