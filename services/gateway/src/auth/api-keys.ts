import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type ApiKeyEntry, ApiKeysFile, type ApiScope } from '@reelay/contracts';

/** Who is calling: what they may do and which projects they may touch. */
export interface Principal {
  name: string;
  keyId: string;
  scopes: readonly ApiScope[];
  /** "*" means every project. */
  projects: readonly string[];
}

interface StoredKey {
  hash: Buffer;
  principal: Principal;
}

/**
 * API keys, held only as SHA-256 hashes. A presented key is hashed and compared in
 * constant time against each stored hash. Presented keys are not remembered, even the
 * ones that matched: a cache keyed by the key would hold it in plain text in the heap and
 * answer by a lookup that is not constant-time, for about 2 % of a submit's CPU
 * (docs/benchmarks.md, issue 12).
 */
export class ApiKeys {
  private constructor(private readonly keys: StoredKey[]) {}

  static fromEntries(entries: ApiKeyEntry[]): ApiKeys {
    return new ApiKeys(
      entries.map((e, i) => {
        const hex = e.keyHash ? e.keyHash.slice('sha256:'.length) : sha256(e.key ?? '');
        return {
          hash: Buffer.from(hex, 'hex'),
          principal: { name: e.name ?? `key-${i + 1}`, keyId: hex.slice(0, 12), scopes: e.scopes, projects: e.projects },
        };
      }),
    );
  }

  static async fromFile(path: string): Promise<ApiKeys> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new Error(`REELAY_API_KEYS_FILE (${path}) cannot be read as JSON: ${(err as Error).message}`);
    }
    const parsed = ApiKeysFile.safeParse(raw);
    if (!parsed.success) {
      throw new Error(
        `REELAY_API_KEYS_FILE (${path}) is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    return ApiKeys.fromEntries(parsed.data);
  }

  /** A fresh admin key for local development; returned once, printed by main.ts. */
  static generateDevKey(): { keys: ApiKeys; key: string } {
    const key = `rly_dev_${randomBytes(18).toString('base64url')}`;
    return { key, keys: ApiKeys.fromEntries([{ name: 'dev', key, scopes: ['jobs:write', 'jobs:read', 'admin'], projects: ['*'] }]) };
  }

  /** The principal of a key by its id (a dashboard session names its key so). */
  byKeyId(keyId: string): Principal | undefined {
    return this.keys.find((k) => k.principal.keyId === keyId)?.principal;
  }

  authenticate(presented: string): Principal | undefined {
    // The digest as bytes: no hex string made and parsed back per request.
    const hash = createHash('sha256').update(presented).digest();
    return this.keys.find((k) => timingSafeEqual(k.hash, hash))?.principal;
  }
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function canAccessProject(principal: Principal, project: string): boolean {
  return principal.projects.includes('*') || principal.projects.includes(project);
}
