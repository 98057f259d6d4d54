import { cronProblem } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { ScheduleClock } from './schedule-clock.js';

const accepted = [
  '* * * * *',
  '*/15 * * * *',
  '0 9 * * MON-FRI',
  '0 0 1 JAN-MAR *',
  '0 0 L * *',
  '0 0 LW * *',
  '0 0 15W * *',
  '0 0 * * 5L',
  '0 0 * * 5#3',
  '0 0 * * 7',
  '0-30/10 8-18 * * 1,3,5',
  '*/2 * * * * *',
  '@daily',
];
const refused = ['61 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', '5/5 * * * *', '* * * *', '10-5 * * * *', 'a b c d e'];

describe('schedule clock', () => {
  it('every cron expression the contract accepts is one croner parses', () => {
    for (const expression of accepted) {
      expect(cronProblem(expression), expression).toBeUndefined();
      expect(() => new ScheduleClock({ cron: expression, timezone: 'Europe/Oslo' }, new Date().toISOString()), expression).not.toThrow();
    }
  });

  it('expressions the contract refuses are refused by croner too', () => {
    for (const expression of refused) {
      expect(cronProblem(expression), expression).toBeDefined();
      expect(() => new ScheduleClock({ cron: expression, timezone: 'UTC' }, new Date().toISOString()), expression).toThrow();
    }
  });

  it('every-N ticks fall on createdAt + k·N, strictly after the instant asked about', () => {
    const clock = new ScheduleClock({ everyMs: 1_000 }, '2026-01-01T00:00:00.000Z');
    expect(clock.nextAfter(new Date('2026-01-01T00:00:00.000Z'))?.toISOString()).toBe('2026-01-01T00:00:01.000Z');
    expect(clock.nextAfter(new Date('2026-01-01T00:00:04.200Z'))?.toISOString()).toBe('2026-01-01T00:00:05.000Z');
    expect(clock.nextAfter(new Date('2026-01-01T00:00:05.000Z'))?.toISOString()).toBe('2026-01-01T00:00:06.000Z');
  });

  it('a cron tick is read in its time zone', () => {
    const clock = new ScheduleClock({ cron: '0 9 * * *', timezone: 'America/New_York' }, '2026-01-01T00:00:00.000Z');
    // 09:00 in New York in January is 14:00 UTC.
    expect(clock.nextAfter(new Date('2026-01-05T12:00:00.000Z'))?.toISOString()).toBe('2026-01-05T14:00:00.000Z');
  });

  it('an unknown time zone is refused when the clock is made', () => {
    expect(() => new ScheduleClock({ cron: '0 9 * * *', timezone: 'Mars/Olympus' }, new Date().toISOString())).toThrow();
  });
});
