import type { ArtifactRef, upkeepTasks } from '@reelay/contracts';
import type { ArtifactStore, TaskHandler } from '@reelay/runtime';
import { actsOnEveryProject } from './upkeep-scope.js';

/**
 * `system.cleanup`: deletes artifacts older than maxAgeHours, then — while the store is
 * over maxTotalBytes — the oldest ones first. Job results need no sweep of their own:
 * they live in job records on the EVENTS stream, which expire with its max age
 * (EVENTS_MAX_AGE_HOURS); the artifacts those results point at are what this removes.
 *
 * A job sweeps its own project's artifacts, through `ctx.artifacts` like any task, and
 * maxTotalBytes is then that project's budget. The whole store (`store`) is used only
 * for a job of the system project: the built-in schedule's sweep of every project.
 */
export function artifactCleanup(store: ArtifactStore): TaskHandler<(typeof upkeepTasks)['system.cleanup']> {
  return async (input, ctx) => {
    const artifacts: { list(): Promise<ArtifactRef[]>; delete(id: string): Promise<void> } = actsOnEveryProject(ctx.job)
      ? store
      : ctx.artifacts;
    const all = (await artifacts.list()).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    const cutoff = Date.now() - input.maxAgeHours * 3_600_000;
    const doomed = new Set(all.filter((a) => Date.parse(a.createdAt) < cutoff).map((a) => a.id));
    let total = all.filter((a) => !doomed.has(a.id)).reduce((sum, a) => sum + a.size, 0);
    if (input.maxTotalBytes > 0) {
      for (const artifact of all) {
        if (total <= input.maxTotalBytes) break;
        if (doomed.has(artifact.id)) continue;
        doomed.add(artifact.id);
        total -= artifact.size;
      }
    }
    let deletedBytes = 0;
    let done = 0;
    for (const artifact of all) {
      if (!doomed.has(artifact.id)) continue;
      if (ctx.signal.aborted) throw ctx.signal.reason;
      await artifacts.delete(artifact.id);
      deletedBytes += artifact.size;
      done += 1;
      ctx.progress((done / doomed.size) * 100, `deleted ${done}/${doomed.size}`);
    }
    if (done > 0) ctx.log.info({ deleted: done, deletedBytes }, 'artifacts cleaned up');
    return { deleted: [...doomed], deletedBytes, remaining: all.length - doomed.size, remainingBytes: total };
  };
}
