import { describe, expect, it } from 'vitest';
import { leadingZeroBits } from './proof-of-work.js';

describe('leadingZeroBits', () => {
  it('counts whole zero bytes and the zero bits of the first non-zero byte', () => {
    expect(leadingZeroBits(Uint8Array.of(0x80))).toBe(0);
    expect(leadingZeroBits(Uint8Array.of(0x01, 0xff))).toBe(7);
    expect(leadingZeroBits(Uint8Array.of(0x00, 0x00, 0x0f))).toBe(20);
    expect(leadingZeroBits(Uint8Array.of(0x00, 0x00))).toBe(16);
  });
});
