import type { z } from 'zod';
import type { TaskDefinition } from './catalogue.js';
import { systemTasks } from './tasks/system.js';
import { aiTasks } from './tasks/ai.js';
import { aiMediaTasks } from './tasks/ai-media.js';
import { mediaTasks } from './tasks/media.js';
import { publishTasks } from './tasks/publish.js';
import { upkeepTasks } from './tasks/upkeep.js';
import { bookTasks } from './tasks/book.js';
import { bookExportTasks } from './tasks/book-export.js';

/**
 * Every task type Reelay knows. Each family lives in tasks/<family>.ts; this file only
 * joins them.
 */
export const taskCatalogue = {
  ...systemTasks,
  ...aiTasks,
  ...aiMediaTasks,
  ...mediaTasks,
  ...publishTasks,
  ...upkeepTasks,
  ...bookTasks,
  ...bookExportTasks,
} as const;

export type TaskCatalogue = typeof taskCatalogue;
export type TaskType = keyof TaskCatalogue;
export type TaskInput<T extends TaskType> = z.input<TaskCatalogue[T]['input']>;
export type TaskOutput<T extends TaskType> = z.output<TaskCatalogue[T]['output']>;

export function isKnownTask(type: string): type is TaskType {
  return Object.hasOwn(taskCatalogue, type);
}

export function getTask(type: string): TaskDefinition | undefined {
  return isKnownTask(type) ? (taskCatalogue[type] as TaskDefinition) : undefined;
}
