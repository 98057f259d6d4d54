import { type TaskDefinition, type TaskView, taskCatalogue, type WorkerHeartbeat } from '@reelay/contracts';
import { declareTask, type TaskRegistry } from './task-registry.js';

/**
 * Every task type with the workers serving it now: the registry's entries, plus the
 * built-in types no worker has registered yet (declared from the catalogue, so a fresh
 * deployment lists what it can run once its services start). Workers come from live
 * heartbeats, matched by the task types each one says it serves.
 */
export async function taskViews(registry: TaskRegistry, heartbeats: WorkerHeartbeat[]): Promise<TaskView[]> {
  const registered = new Map((await registry.list()).map((t) => [t.type, t]));
  for (const definition of Object.values(taskCatalogue) as TaskDefinition[]) {
    if (!registered.has(definition.type)) {
      registered.set(definition.type, { ...declareTask(definition), registeredAt: '', registeredBy: 'catalogue' });
    }
  }
  return [...registered.values()]
    .sort((a, b) => (a.type < b.type ? -1 : 1))
    .map((task) => ({
      ...task,
      workers: heartbeats
        .filter((hb) => hb.tasks?.includes(task.type))
        .map((hb) => ({ id: hb.id, service: hb.service, host: hb.host, concurrency: hb.concurrency, running: hb.running.length })),
    }));
}
