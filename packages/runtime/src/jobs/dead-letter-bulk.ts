import type { BulkDlqItem, DeadLetter, DlqFilter } from '@reelay/contracts';
import { ErrorCode } from '@reelay/contracts';
import { ReelayError } from '../errors.js';

/**
 * Choosing dead letters for a bulk requeue or discard: the filter (queue, type, error
 * code, reason, project, age) and the caller's projects, every one of which must hold.
 * Pure over what the DLQ holds; the job client reads the letters and acts on them.
 */
export interface DeadLetterSelection {
  filter: DlqFilter;
  /** The projects the caller may touch; `'*'` for every one. Letters of others never match. */
  projects: readonly string[] | '*';
  /** At most this many, oldest dead first. */
  limit: number;
  /** The clock the ages are measured from. @default now */
  now?: Date;
}

export interface SelectedDeadLetters {
  letters: { dead: DeadLetter; seq: number }[];
  /** More matched than `limit`. */
  truncated: boolean;
}

const HOUR_MS = 3_600_000;

export function matchesDeadLetter(dead: DeadLetter, selection: DeadLetterSelection): boolean {
  const { filter, projects } = selection;
  const now = (selection.now ?? new Date()).getTime();
  if (projects !== '*' && !projects.includes(dead.job.project)) return false;
  if (filter.project !== undefined && dead.job.project !== filter.project) return false;
  if (filter.queue !== undefined && dead.job.queue !== filter.queue) return false;
  if (filter.type !== undefined && dead.job.type !== filter.type) return false;
  if (filter.errorCode !== undefined && dead.error.code !== filter.errorCode) return false;
  if (filter.reason !== undefined && dead.reason !== filter.reason) return false;
  const deadAt = Date.parse(dead.deadAt);
  if (filter.maxAgeHours !== undefined && !(now - deadAt <= filter.maxAgeHours * HOUR_MS)) return false;
  if (filter.minAgeHours !== undefined && !(now - deadAt >= filter.minAgeHours * HOUR_MS)) return false;
  return true;
}

export function selectDeadLetters(stored: { dead: DeadLetter; seq: number }[], selection: DeadLetterSelection): SelectedDeadLetters {
  const matching = stored
    .filter((s) => matchesDeadLetter(s.dead, selection))
    .sort((a, b) => a.dead.deadAt.localeCompare(b.dead.deadAt) || a.seq - b.seq);
  return { letters: matching.slice(0, selection.limit), truncated: matching.length > selection.limit };
}

/** One dead letter as a bulk answer lists it. */
export function bulkItem(dead: DeadLetter, outcome: BulkDlqItem['outcome'], err?: unknown): BulkDlqItem {
  const item: BulkDlqItem = {
    id: dead.job.id,
    type: dead.job.type,
    queue: dead.job.queue,
    project: dead.job.project,
    errorCode: dead.error.code,
    deadAt: dead.deadAt,
    outcome,
  };
  if (err !== undefined) {
    item.error =
      err instanceof ReelayError
        ? { code: err.code, message: err.message }
        : { code: ErrorCode.UNKNOWN, message: err instanceof Error ? err.message : String(err) };
  }
  return item;
}
