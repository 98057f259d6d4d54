import { open } from 'node:fs/promises';
import { readRange } from '@reelay/runtime';

/** Reads `length` bytes at `offset`: chunks are read one at a time, never the whole video. */
export async function readChunk(path: string, offset: number, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    return await readRange(handle, offset, length);
  } finally {
    await handle.close();
  }
}
