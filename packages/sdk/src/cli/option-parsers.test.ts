import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { byteRange, hours, integerIn, isoTime, jsonValue } from './option-parsers.js';

describe('option parsers', () => {
  it('accepts integers within bounds and rejects the rest', () => {
    const priority = integerIn(0, 10);
    expect(priority('7')).toBe(7);
    for (const bad of ['11', '-1', '2.5', 'high', '']) expect(() => priority(bad)).toThrow(InvalidArgumentError);
  });

  it('parses JSON inputs and reports invalid JSON as an argument error', () => {
    expect(jsonValue('{"ms":100}')).toEqual({ ms: 100 });
    expect(() => jsonValue('{ms:100}')).toThrow(InvalidArgumentError);
  });

  it('parses inclusive byte ranges, open-ended or closed', () => {
    expect(byteRange('0-1023')).toEqual({ start: 0, end: 1023 });
    expect(byteRange('500-')).toEqual({ start: 500 });
    for (const bad of ['10-5', '-5', 'a-b', '1-2-3']) expect(() => byteRange(bad)).toThrow(InvalidArgumentError);
  });

  it('accepts ISO times with seconds and a zone, as the gateway does, and nothing looser', () => {
    expect(isoTime('2026-01-31T08:00:00Z')).toBe('2026-01-31T08:00:00Z');
    expect(isoTime('2026-01-31T08:00:00.250+01:00')).toBe('2026-01-31T08:00:00.250+01:00');
    for (const bad of ['2026-01-31', '2026-01-31T08:00Z', '2026-01-31T08:00:00', 'yesterday', '2026-13-45T99:00:00Z']) {
      expect(() => isoTime(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('parses hours as plain non-negative numbers, fractions allowed', () => {
    expect(hours('24')).toBe(24);
    expect(hours('0.5')).toBe(0.5);
    for (const bad of ['-1', '1e3', 'a day', '', '9000']) expect(() => hours(bad)).toThrow(InvalidArgumentError);
  });
});
