import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { byteRange, integerIn, jsonValue } from './option-parsers.js';

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
});
