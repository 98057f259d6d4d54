import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Random bytes drawn from the system at once, 16 an id: one call into the system per 256 ids. */
const pool = new Uint8Array(16 * 256);
let used = pool.length;
/** The last id's time and counter: what `uuid` keeps itself when it draws its own bytes. */
let msecs = Number.NEGATIVE_INFINITY;
let seq = 0;

/**
 * Time-ordered ids: sorting ids sorts jobs by creation, which listing relies on. UUIDv7
 * from `uuid`, ordered within a millisecond as `uuid` orders them (a counter started at
 * random each millisecond, carried into the next on overflow), but with its random bytes
 * taken from a pool: `uuid` asks `crypto.getRandomValues` for 16 bytes per id, which was
 * the largest part of a gateway submit's own CPU in the job client (docs/benchmarks.md).
 */
export function newJobId(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.subarray(used, used + 16);
  used += 16;
  const now = Date.now();
  if (now > msecs) {
    msecs = now;
    seq = ((random[6] as number) & 0x7f) * 2 ** 24 + ((random[7] as number) << 16) + ((random[8] as number) << 8) + (random[9] as number);
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) msecs++;
  }
  return uuidv7({ random, msecs, seq });
}
