import { describe, expect, it } from 'vitest';
import { parseByteRange } from './byte-range.js';

describe('byte ranges', () => {
  it('reads an explicit range, clamping the end to the size', () => {
    expect(parseByteRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(parseByteRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
  });
  it('reads open-ended and suffix ranges', () => {
    expect(parseByteRange('bytes=95-', 100)).toEqual({ start: 95, end: 99 });
    expect(parseByteRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
  });
  it('says unsatisfiable for a start past the end', () => {
    expect(parseByteRange('bytes=100-', 100)).toBe('unsatisfiable');
  });
  it('ignores headers it does not understand, so the whole body is sent', () => {
    expect(parseByteRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseByteRange(undefined, 100)).toBeUndefined();
  });
});
