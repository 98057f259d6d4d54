import { Bucket, type KV } from '@nats-io/kv';

/**
 * The keys of a KV bucket, each once, from one snapshot the server takes: the bucket
 * stream's subjects (stream info with `subjects_filter`, paged by nats.js), so a single
 * JetStream API request with its timeout.
 *
 * Not nats.js's `kv.keys()`: that reads "last per subject" through an ordered push
 * consumer until nothing is pending, so a key written while it lists can come through
 * twice (a schedule the scheduler updated showed twice in the list) or not at all (its
 * old value gone before delivery, the listing over before the new one), and it has no
 * deadline of its own: it ends on a message with nothing pending or an idle heartbeat,
 * and its ordered consumer recreates itself after a stall. It was the one wait without
 * a deadline on the path of `GET /v1/workers`, which a CI run saw held past 120 s.
 *
 * A deleted or purged key whose marker is still stored is listed too: callers read each
 * entry and skip those that are not a PUT (they do already — an entry can also go
 * between the listing and the read).
 */
export async function uniqueKeys(kv: KV, filter: string | string[] = '>'): Promise<string[]> {
  if (!(kv instanceof Bucket)) throw new TypeError('uniqueKeys needs a bucket from @nats-io/kv');
  const keys = new Set<string>();
  for (const f of Array.isArray(filter) ? filter : [filter]) {
    const info = await kv.jsm.streams.info(kv.stream, { subjects_filter: kv.fullKeyName(kv.encodeKey(f)) });
    for (const subject of Object.keys(info.state.subjects ?? {})) keys.add(kv.decodeKey(subject.substring(kv.prefixLen)));
  }
  return [...keys];
}
