import type { JobEnvelope } from '@reelay/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { timeLimits } from '../worker/time-limits.js';
import {
  attemptFailed,
  attemptStarted,
  cancelled,
  deadLettered,
  handedBack,
  initialRecord,
  isoNow,
  isAsSubmitted,
  isNotQueued,
  notQueued,
  released,
  requeued,
  succeeded,
  withLostAttempt,
} from './job-record.js';

const envelope: JobEnvelope = {
  id: 'job-1',
  type: 'test.echo',
  queue: 'test',
  input: {},
  priority: 5,
  project: 'alpha',
  maxAttempts: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const error = { code: 'TRANSIENT', message: 'flaky', retryable: true };

describe('a job record’s life', () => {
  it('starts queued, or scheduled when runAt is in the future', () => {
    expect(initialRecord(envelope)).toMatchObject({ status: 'queued', attempts: 0, freeRedeliveries: 0, errors: [] });
    const later = new Date(Date.now() + 60_000);
    expect(initialRecord(envelope, later)).toMatchObject({ status: 'scheduled', runAt: later.toISOString() });
    expect(initialRecord(envelope, new Date(Date.now() - 1_000)).status).toBe('queued');
  });

  it('a released delayed job is queued and keeps its record', () => {
    const scheduled = initialRecord(envelope, new Date(Date.now() + 60_000));
    expect(released(scheduled, envelope)).toMatchObject({ status: 'queued', runAt: scheduled.runAt });
    expect(released(undefined, envelope).status).toBe('queued');
  });

  it('a failed attempt spends it, records the error and when the retry is due; the next start clears that', () => {
    const running = attemptStarted(initialRecord(envelope), 1, 'w1');
    const before = Date.now();
    const retrying = attemptFailed(running, { attempt: 1, error, workerId: 'w1', delayMs: 2_000 });
    expect(retrying.status).toBe('retrying');
    expect(retrying.errors).toEqual([expect.objectContaining({ attempt: 1, code: 'TRANSIENT', workerId: 'w1' })]);
    expect(Date.parse(retrying.retryAt ?? '')).toBeGreaterThanOrEqual(before + 2_000);
    const second = attemptStarted(retrying, 2, 'w2');
    expect(second).toMatchObject({ status: 'running', attempts: 2, workerId: 'w2', progress: 0 });
    expect(second.retryAt).toBeUndefined();
    expect(second.error).toBeUndefined();
  });

  it('an attempt left running by a dead worker becomes a WORKER_LOST error once', () => {
    const running = attemptStarted(initialRecord(envelope), 1, 'w1');
    const errors = withLostAttempt(running);
    expect(errors).toEqual([expect.objectContaining({ attempt: 1, code: 'WORKER_LOST', workerId: 'w1' })]);
    expect(withLostAttempt({ ...running, errors })).toHaveLength(1);
    expect(withLostAttempt(initialRecord(envelope))).toEqual([]);
  });

  it('a hand-back does not spend an attempt', () => {
    const running = attemptStarted(initialRecord(envelope), 1, 'w1');
    const back = handedBack(running, { delayMs: 500 });
    expect(back).toMatchObject({ status: 'queued', freeRedeliveries: 1, attempts: 1 });
    expect(back.retryAt).toBeDefined();
  });

  it('ends succeeded, cancelled or dead-lettered with the last attempt’s error', () => {
    const running = attemptStarted(initialRecord(envelope), 1, 'w1');
    expect(succeeded(running, { ok: 1 })).toMatchObject({ status: 'succeeded', progress: 100, result: { ok: 1 } });
    expect(cancelled(running)).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    const dead = deadLettered(running, envelope, { ...error, retryable: false }, { attempt: 1, workerId: 'w1' });
    expect(dead).toMatchObject({ status: 'failed', error: { code: 'TRANSIENT' } });
    expect(dead.errors).toHaveLength(1);
    expect(deadLettered(undefined, envelope, error).status).toBe('failed');
  });

  it('a requeued job starts over', () => {
    expect(requeued({ ...envelope, maxAttempts: 1 })).toMatchObject({ status: 'queued', attempts: 0, maxAttempts: 1, errors: [] });
  });
});

describe('time limits', () => {
  const task = { softTimeoutMs: 540_000, hardTimeoutMs: 600_000 };
  it('are the task’s by default', () => {
    expect(timeLimits(task)).toEqual({ softMs: 540_000, hardMs: 600_000 });
  });
  it('a job timeoutMs below the soft limit still leaves a tenth of it as grace', () => {
    expect(timeLimits(task, 30_000)).toEqual({ softMs: 27_000, hardMs: 30_000 });
  });
  it('a timeoutMs past what a timer can hold is clamped instead of firing at once', () => {
    expect(timeLimits(task, 3e9).hardMs).toBe(2 ** 31 - 1);
  });

  it('a submit whose message failed is withdrawn as failed with no attempt, and only such a record reads as withdrawn', () => {
    const queued = initialRecord(envelope);
    expect(isAsSubmitted(queued)).toBe(true);
    const withdrawn = notQueued(queued);
    expect(withdrawn).toMatchObject({ status: 'failed', attempts: 0, error: { code: 'UNAVAILABLE', retryable: true } });
    expect(isNotQueued(withdrawn)).toBe(true);
    expect(isAsSubmitted(withdrawn)).toBe(false);
    const running = attemptStarted(queued, 1, 'w1');
    expect(isAsSubmitted(running)).toBe(false);
    expect(isAsSubmitted(handedBack(running))).toBe(false);
    expect(
      isNotQueued(
        deadLettered(running, envelope, { code: 'UNAVAILABLE', message: 'down', retryable: false }, { attempt: 1, workerId: 'w1' }),
      ),
    ).toBe(false);
  });
});

describe('the records’ clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the time now at every call, to the millisecond, however often it is formatted', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-04T10:00:00.000Z'));
    expect(isoNow()).toBe('2026-12-04T10:00:00.000Z');
    expect(isoNow()).toBe('2026-12-04T10:00:00.000Z');
    vi.setSystemTime(new Date('2026-12-04T10:00:00.001Z'));
    expect(isoNow()).toBe('2026-12-04T10:00:00.001Z');
    // A clock set back (NTP) is followed, not held at the later time.
    vi.setSystemTime(new Date('2026-12-04T09:59:59.500Z'));
    expect(isoNow()).toBe('2026-12-04T09:59:59.500Z');
    expect(succeeded(attemptStarted(initialRecord(envelope), 1, 'w', []), {}).finishedAt).toBe('2026-12-04T09:59:59.500Z');
  });
});
