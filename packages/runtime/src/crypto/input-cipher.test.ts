import { randomBytes } from 'node:crypto';
import { isEncryptedValue } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { DecryptionError, EncryptionKeyMissingError, InputCipher } from './input-cipher.js';

const key = randomBytes(32).toString('base64');
const job = { jobId: '0192f0c0-0000-7000-8000-000000000001', type: 'acme.post' };

describe('InputCipher', () => {
  it('seals the marked fields only, and opens them back to the same values', () => {
    const cipher = InputCipher.fromKeys({ key });
    const input = { token: 'sk-live-123', creds: { secret: { nested: [1, 2] }, user: 'u' }, title: 'hello' };
    const sealed = cipher.seal(input, ['token', 'creds.secret', 'absent.path'], job) as Record<string, any>;
    expect(isEncryptedValue(sealed.token)).toBe(true);
    expect(isEncryptedValue(sealed.creds.secret)).toBe(true);
    expect(sealed.creds.user).toBe('u');
    expect(sealed.title).toBe('hello');
    expect(JSON.stringify(sealed)).not.toContain('sk-live-123');
    expect(input.token).toBe('sk-live-123');
    expect(cipher.open(sealed, job.jobId)).toEqual(input);
  });

  it('a value sealed for one job does not open for another', () => {
    const cipher = InputCipher.fromKeys({ key });
    const sealed = cipher.seal({ token: 't' }, ['token'], job);
    expect(() => cipher.open(sealed, '0192f0c0-0000-7000-8000-000000000002')).toThrow(DecryptionError);
  });

  it('after a rotation the old key still opens old values and new values use the new key', () => {
    const old = InputCipher.fromKeys({ key });
    const sealedOld = old.seal({ token: 'old' }, ['token'], job);
    const newKey = randomBytes(32).toString('hex');
    const rotated = InputCipher.fromKeys({ key: newKey, previousKeys: [key] });
    expect(rotated.keyId).not.toBe(old.keyId);
    expect(rotated.open(sealedOld, job.jobId)).toEqual({ token: 'old' });
    const sealedNew = rotated.seal({ token: 'new' }, ['token'], job) as { token: { kid: string } };
    expect(sealedNew.token.kid).toBe(rotated.keyId);
    expect(() => old.open(sealedNew, job.jobId)).toThrow(/does not have/);
  });

  it('without a key, sealing a sensitive field fails rather than storing it in clear', () => {
    expect(() => InputCipher.fromKeys({}).seal({ token: 't' }, ['token'], job)).toThrow(EncryptionKeyMissingError);
    expect(InputCipher.fromKeys({}).seal({ token: 't' }, [], job)).toEqual({ token: 't' });
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => InputCipher.fromKeys({ key: 'c2hvcnQ=' })).toThrow(/32 bytes/);
  });

  it('an already sealed value is kept as it is (a dead job requeued)', () => {
    const cipher = InputCipher.fromKeys({ key });
    const once = cipher.seal({ token: 't' }, ['token'], job);
    expect(cipher.seal(once, ['token'], job)).toEqual(once);
  });
});
