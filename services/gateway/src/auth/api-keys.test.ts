import { describe, expect, it } from 'vitest';
import { ApiKeys, sha256 } from './api-keys.js';

const key = (i: number) => `client-key-${String(i).padStart(4, '0')}-0123456789abcdef`;

describe('ApiKeys.authenticate', () => {
  it('answers a key held as its hash the same on every request, and an unknown key never', () => {
    const keys = ApiKeys.fromEntries([
      { name: 'plain', key: key(1), scopes: ['jobs:read'], projects: ['alpha'] },
      { name: 'hashed', keyHash: `sha256:${sha256(key(2))}`, scopes: ['jobs:write'], projects: ['*'] },
    ]);
    for (let round = 0; round < 3; round++) {
      expect(keys.authenticate(key(1))?.name).toBe('plain');
      expect(keys.authenticate(key(2))).toMatchObject({ name: 'hashed', scopes: ['jobs:write'], projects: ['*'] });
      expect(keys.authenticate(key(3))).toBeUndefined();
      // One character off a key is another key.
      expect(keys.authenticate(`${key(1)}x`)).toBeUndefined();
      expect(keys.authenticate(key(1).slice(0, -1))).toBeUndefined();
    }
  });
});
