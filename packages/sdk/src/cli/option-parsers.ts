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
