import { describe, expect, it } from 'vitest';
import { parseStoreUrl, redactStoreUrl } from './store-url.js';

describe('JOB_STORE_URL', () => {
  it('reads postgres URLs, sqlite paths and memory', () => {
    expect(parseStoreUrl('postgres://u:p@db:5432/reelay')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgres://u:p@db:5432/reelay',
    });
    expect(parseStoreUrl('postgresql://db/reelay').dialect).toBe('postgres');
    expect(parseStoreUrl('sqlite:.data/jobs.sqlite')).toEqual({ dialect: 'sqlite', file: '.data/jobs.sqlite' });
    expect(parseStoreUrl('sqlite:///var/lib/reelay/jobs.sqlite')).toEqual({ dialect: 'sqlite', file: '/var/lib/reelay/jobs.sqlite' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', file: ':memory:' });
    expect(parseStoreUrl('/tmp/jobs.db')).toEqual({ dialect: 'sqlite', file: '/tmp/jobs.db' });
  });

  it('refuses a store it does not know rather than opening a local file by that name', () => {
    expect(() => parseStoreUrl('mysql://db/reelay')).toThrow(/unsupported store mysql/);
    expect(() => parseStoreUrl('sqlite:')).toThrow(/file path/);
    expect(() => parseStoreUrl('  ')).toThrow(/empty/);
  });

  it('hides the password when logged', () => {
    expect(redactStoreUrl('postgres://reelay:s3cret@db:5432/reelay')).toBe('postgres://reelay:***@db:5432/reelay');
    expect(redactStoreUrl('sqlite:.data/jobs.sqlite')).toBe('sqlite:.data/jobs.sqlite');
  });
});
