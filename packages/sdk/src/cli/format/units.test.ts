import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, formatDuration } from './units.js';

describe('units', () => {
  it('formats durations from milliseconds to days', () => {
    expect([450, 2_500, 42_000, 125_000, 3 * 3_600_000 + 5 * 60_000, 5 * 86_400_000].map(formatDuration)).toEqual([
      '450ms',
      '2.5s',
      '42s',
      '2m05s',
      '3h05m',
      '5d',
    ]);
  });

  it('formats an age relative to a given now, and a dash for a missing or bad date', () => {
    const now = Date.parse('2025-01-01T00:01:00Z');
    expect(formatAge('2025-01-01T00:00:00Z', now)).toBe('1m00s');
    expect(formatAge(undefined, now)).toBe('-');
    expect(formatAge('yesterday-ish', now)).toBe('-');
  });

  it('formats byte counts in binary units', () => {
    expect([512, 2048, 5 * 1024 ** 2, 1.5 * 1024 ** 3].map(formatBytes)).toEqual(['512 B', '2.0 KiB', '5.0 MiB', '1.5 GiB']);
  });
});
