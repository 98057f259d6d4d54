import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { implementTask } from '@reelay/runtime';
import { proofOfWork } from '../contracts.js';

/**
 * Hashes between two yields to the event loop. A handler that never yields starves the
 * worker's own timers — in-progress acks, heartbeats, the cancel listener — so JetStream
 * would think the job dead after AckWait and deliver it again. 20 000 hashes take a few
 * milliseconds.
 */
const HASHES_PER_SLICE = 20_000;

export const proofOfWorkTask = implementTask(proofOfWork, async ({ data, difficultyBits }, ctx) => {
  const expected = 2 ** difficultyBits;
  for (let nonce = 0; ; nonce++) {
    const digest = createHash('sha256').update(`${data}:${nonce}`).digest();
    if (leadingZeroBits(digest) >= difficultyBits) {
      return { nonce, hash: digest.toString('hex'), hashes: nonce + 1 };
    }
    if ((nonce + 1) % HASHES_PER_SLICE === 0) {
      await yieldToEventLoop();
      // Cancelled, past the soft time limit, or the worker is shutting down.
      ctx.signal.throwIfAborted();
      // An estimate: the expected number of hashes is 2^bits, so report against that.
      ctx.progress(Math.min(99, (100 * (nonce + 1)) / expected), `${nonce + 1} hashes`);
    }
  }
});

/** How many zero bits `bytes` starts with. */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}
