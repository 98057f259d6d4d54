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
      // One character off a remembered key is another key.
      expect(keys.authenticate(`${key(1)}x`)).toBeUndefined();
      expect(keys.authenticate(key(1).slice(0, -1))).toBeUndefined();
    }
  });

  it('still answers every key when more keys are in use than it remembers', () => {
    const count = 5;
    const keys = ApiKeys.fromEntries(
      Array.from({ length: count }, (_, i) => ({ name: `k${i}`, key: key(i), scopes: ['jobs:read' as const], projects: ['alpha'] })),
      { remember: 2 },
    );
    // Twice round: the second pass asks for keys pushed out of memory by the first.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < count; i++) expect(keys.authenticate(key(i))?.name).toBe(`k${i}`);
    }
    expect(keys.authenticate(key(count))).toBeUndefined();
  });
});
