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

/** How many keys that matched are remembered (a gateway serves a few clients, each with one key). */
const REMEMBERED_KEYS = 1_000;

export interface ApiKeysOptions {
  /** How many matched keys to remember, the oldest going first. @default 1000 */
  remember?: number;
}

/**
 * API keys, held only as SHA-256 hashes. A presented key is hashed and compared in
 * constant time against each stored hash.
 *
 * A key that matched is remembered with its principal, so a client's next request with
 * it is answered without hashing again (a key's hash was a measured share of a submit's
 * CPU, docs/benchmarks.md). Only matches are remembered: an unknown key is hashed every
 * time, so guessing keys neither grows the map nor is answered faster. The keys are
 * fixed for the life of the process, so a remembered answer cannot go stale.
 */
export class ApiKeys {
  private readonly remembered = new Map<string, Principal>();

  private constructor(
    private readonly keys: StoredKey[],
    private readonly remember: number,
  ) {}

  static fromEntries(entries: ApiKeyEntry[], options: ApiKeysOptions = {}): ApiKeys {
    return new ApiKeys(
      entries.map((e, i) => {
        const hex = e.keyHash ? e.keyHash.slice('sha256:'.length) : sha256(e.key ?? '');
        return {
          hash: Buffer.from(hex, 'hex'),
          principal: { name: e.name ?? `key-${i + 1}`, keyId: hex.slice(0, 12), scopes: e.scopes, projects: e.projects },
        };
      }),
      options.remember ?? REMEMBERED_KEYS,
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
    const remembered = this.remembered.get(presented);
    if (remembered) return remembered;
    const hash = createHash('sha256').update(presented).digest();
    const principal = this.keys.find((k) => timingSafeEqual(k.hash, hash))?.principal;
    if (principal) {
      // Oldest first out: a Map iterates in insertion order.
      if (this.remembered.size >= this.remember) this.remembered.delete(this.remembered.keys().next().value as string);
      this.remembered.set(presented, principal);
    }
    return principal;
  }
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function canAccessProject(principal: Principal, project: string): boolean {
  return principal.projects.includes('*') || principal.projects.includes(project);
}
