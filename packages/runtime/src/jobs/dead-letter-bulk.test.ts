import type { DeadLetter } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { selectDeadLetters } from './dead-letter-bulk.js';

const now = new Date('2026-12-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

function dead(
  id: string,
  o: { project?: string; queue?: string; type?: string; code?: string; hours?: number; reason?: DeadLetter['reason'] },
): { dead: DeadLetter; seq: number } {
  return {
    seq: Number(id),
    dead: {
      job: {
        id,
        type: o.type ?? 'test.echo',
        queue: o.queue ?? 'test',
        input: {},
        priority: 5,
        project: o.project ?? 'alpha',
        maxAttempts: 1,
        createdAt: hoursAgo(100),
      },
      reason: o.reason ?? 'permanent',
      error: { code: o.code ?? 'PERMANENT', message: 'x', retryable: false },
      errors: [],
      deadAt: hoursAgo(o.hours ?? 1),
    },
  };
}

const stored = [
  dead('1', { hours: 30 }),
  dead('2', { hours: 2, code: 'PROVIDER_ERROR' }),
  dead('3', { hours: 5, project: 'beta' }),
  dead('4', { hours: 10, queue: 'ai', type: 'ai.script', reason: 'exhausted' }),
];
const ids = (r: ReturnType<typeof selectDeadLetters>) => r.letters.map((l) => l.dead.job.id);

describe('selectDeadLetters', () => {
  it('a key sees only its projects, whatever the filter says', () => {
    expect(ids(selectDeadLetters(stored, { filter: {}, projects: ['alpha'], limit: 10, now }))).toEqual(['1', '4', '2']);
    expect(ids(selectDeadLetters(stored, { filter: { project: 'beta' }, projects: ['alpha'], limit: 10, now }))).toEqual([]);
    expect(ids(selectDeadLetters(stored, { filter: { project: 'beta' }, projects: '*', limit: 10, now }))).toEqual(['3']);
  });

  it('max_age_hours keeps the recently dead; minAgeHours the long dead', () => {
    expect(ids(selectDeadLetters(stored, { filter: { maxAgeHours: 24 }, projects: '*', limit: 10, now }))).toEqual(['4', '3', '2']);
    expect(ids(selectDeadLetters(stored, { filter: { minAgeHours: 24 }, projects: '*', limit: 10, now }))).toEqual(['1']);
  });

  it('queue, type, error code and reason filter together', () => {
    const pick = (filter: Parameters<typeof selectDeadLetters>[1]['filter']) =>
      ids(selectDeadLetters(stored, { filter, projects: '*', limit: 10, now }));
    expect(pick({ queue: 'ai' })).toEqual(['4']);
    expect(pick({ type: 'ai.script', reason: 'exhausted' })).toEqual(['4']);
    expect(pick({ type: 'ai.script', reason: 'permanent' })).toEqual([]);
    expect(pick({ errorCode: 'PROVIDER_ERROR' })).toEqual(['2']);
  });

  it('the oldest come first and truncated says more matched than the limit', () => {
    const r = selectDeadLetters(stored, { filter: {}, projects: '*', limit: 2, now });
    expect(ids(r)).toEqual(['1', '4']);
    expect(r.truncated).toBe(true);
  });
});
