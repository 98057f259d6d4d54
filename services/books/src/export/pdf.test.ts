import { describe, expect, it } from 'vitest';
import { noteMarks, superscript } from './pdf.js';

describe('PDF note marks', () => {
  it('writes note numbers in superscript digits, several kept together', () => {
    expect(superscript(7)).toBe('⁷');
    expect(superscript(120)).toBe('¹²⁰');
    expect(noteMarks([3, 14])).toBe('³\u202f¹⁴');
  });
});
