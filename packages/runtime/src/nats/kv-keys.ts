import type { KV } from '@nats-io/kv';

/**
 * The keys of a KV bucket, each once. nats.js's `kv.keys()` reads "last per subject"
 * until nothing is pending, so a key written while the listing runs comes through again
 * (a schedule whose state the scheduler updates showed twice in the list).
 */
export async function uniqueKeys(kv: KV, filter?: string | string[]): Promise<string[]> {
  const seen = new Set<string>();
  for await (const key of await kv.keys(filter)) seen.add(key);
  return [...seen];
}
