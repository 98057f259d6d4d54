import { describe, expect, it } from 'vitest';
import { DEFAULT_URL, resolveConfig } from './config.js';
import { UsageError } from './usage-error.js';

describe('resolveConfig', () => {
  it('prefers flags over the environment', () => {
    const env = { REELAY_URL: 'http://env:1', REELAY_API_KEY: 'env-key' };
    expect(resolveConfig({ url: 'https://flag:2', apiKey: 'flag-key' }, env)).toEqual({ url: 'https://flag:2', apiKey: 'flag-key' });
    expect(resolveConfig({}, env)).toEqual({ url: 'http://env:1', apiKey: 'env-key' });
  });

  it('falls back to the local default gateway and no key; empty variables count as unset', () => {
    expect(resolveConfig({}, { REELAY_URL: '', REELAY_API_KEY: '' })).toEqual({ url: DEFAULT_URL, apiKey: undefined });
  });

  it('rejects a URL that is not http(s) as a usage error', () => {
    expect(() => resolveConfig({ url: 'not a url' }, {})).toThrow(UsageError);
    expect(() => resolveConfig({ url: 'ftp://host' }, {})).toThrow(UsageError);
  });
});
