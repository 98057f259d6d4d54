import { InvalidArgumentError } from 'commander';

/** Commander argument parsers: a bad value is a usage error (exit 2) before any request is sent. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    // Number('') is 0 and Number('1e3') is 1000: only plain digits count as an integer here.
    const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

export function jsonValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(`not valid JSON (${(err as Error).message})`);
  }
}

/** `start-end` or `start-` (inclusive, as HTTP ranges are). */
export function byteRange(value: string): { start: number; end?: number } {
  const m = /^(\d+)-(\d*)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected START-END or START- (bytes, inclusive)');
  const start = Number(m[1]);
  if (m[2] === '') return { start };
  const end = Number(m[2]);
  if (end < start) throw new InvalidArgumentError('END must not be before START');
  return { start, end };
}

/** An ISO 8601 date-time with a zone (`Z` or `+01:00`), as the gateway's time filters take. */
export function isoTime(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('expected an ISO time with a zone, e.g. 2026-01-31T08:00:00Z');
  }
  return value;
}

/** A positive number of hours (fractions allowed: 0.5 is half an hour). */
export function hours(value: string): number {
  const n = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n > 24 * 365) throw new InvalidArgumentError('expected a number of hours, at most 8760');
  return n;
}
