import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTask } from './catalogue.js';
import { REDACTED_VALUE, redactEncrypted } from './sensitive-input.js';

const sealed = { $enc: 'aes-256-gcm', kid: 'k1', iv: 'aaaa', tag: 'bbbb', ct: 'cccc' };

describe('redactEncrypted', () => {
  it('replaces every encrypted value, at any depth, and keeps the rest', () => {
    const job = { id: 'j', input: { token: sealed, nested: { key: sealed, n: 1 }, list: [sealed, 'x'], plain: 'p' } };
    expect(redactEncrypted(job)).toEqual({
      id: 'j',
      input: { token: REDACTED_VALUE, nested: { key: REDACTED_VALUE, n: 1 }, list: [REDACTED_VALUE, 'x'], plain: 'p' },
    });
    expect(job.input.token).toBe(sealed);
  });

  it('an object that only looks like a sealed value (an extra field) is left alone', () => {
    const lookalike = { ...sealed, more: 1 };
    expect(redactEncrypted({ a: lookalike })).toEqual({ a: lookalike });
  });
});

describe('defineTask sensitive paths', () => {
  it('refuses a path that is not keys joined by dots', () => {
    expect(() =>
      defineTask({ type: 'acme.x', description: '', queue: 'q', input: z.unknown(), output: z.unknown(), sensitive: ['a[0]'] }),
    ).toThrow(/not a field path/);
    expect(
      defineTask({ type: 'acme.x', description: '', queue: 'q', input: z.unknown(), output: z.unknown(), sensitive: ['a.b'] }).sensitive,
    ).toEqual(['a.b']);
  });
});
