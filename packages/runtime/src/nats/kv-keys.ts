import type { KV } from '@nats-io/kv';

/**
 * The keys of a KV bucket, each once. nats.js's `kv.keys()` reads "last per subject"
 * until nothing is pending, so a key written while the listing runs can come through
 * twice (a schedule whose state the scheduler updated showed twice in the list) or not
 * at all (its old value is gone before delivery and the listing ends before the new
 * one). Duplicates are dropped; when the bucket changed during a pass, the listing runs
 * again (at most `maxPasses` times) and the passes are joined, so a key rewritten under
 * one pass is found by the next.
 */
export async function uniqueKeys(kv: KV, filter?: string | string[], maxPasses = 3): Promise<string[]> {
  const seen = new Set<string>();
  let before = await lastSeq(kv);
  for (let pass = 1; ; pass++) {
    for await (const key of await kv.keys(filter)) seen.add(key);
    if (pass >= maxPasses) return [...seen];
    // The position after one pass is the one the next pass starts from: one status a pass.
    const after = await lastSeq(kv);
    if (after === before) return [...seen];
    before = after;
  }
}

const lastSeq = async (kv: KV): Promise<number> => (await kv.status()).streamInfo.state.last_seq;
