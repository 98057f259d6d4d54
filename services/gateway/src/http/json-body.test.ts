import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds } from './json-body.js';

describe('jsonDepthExceeds', () => {
  it('counts arrays and objects as levels', () => {
    expect(jsonDepthExceeds('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[{"b":[1]}]}', 3)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ s: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ s: 'say \\"[[[[\\" and "{{"' }), 1)).toBe(false);
  });

  it('finds a 5,000-level body without walking it recursively', () => {
    expect(jsonDepthExceeds(`${'['.repeat(5_000)}${']'.repeat(5_000)}`, 64)).toBe(true);
    expect(jsonDepthExceeds(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`, 64)).toBe(true);
  });

  it('lets flat and moderately nested bodies through', () => {
    expect(jsonDepthExceeds('"plain"', 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ items: Array.from({ length: 1000 }, () => ({ a: [1] })) }), 4)).toBe(false);
  });
});
