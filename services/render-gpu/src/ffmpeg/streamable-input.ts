import type { ArtifactRef } from '@reelay/contracts';
import type { ProjectArtifacts } from '@reelay/runtime';

/**
 * Whether ffmpeg can read an artifact front to back from a stream, without seeking far:
 * then it is streamed from the store while the job encodes (artifact-input-server.ts);
 * otherwise it is downloaded first. Containers that carry their index up front qualify:
 * Matroska/WebM, WAV, Ogg, and MP4/MOV/M4A whose `moov` box comes before
 * `mdat` ("faststart": what Reelay's own renders and transcodes write). An MP4 with
 * `moov` at the end (a camera's or ffmpeg's default) would make ffmpeg read the whole
 * file to reach its index and then read it again, and images are looped by seeking.
 */

/** Enough for ftyp plus any free/wide/uuid boxes a muxer puts before moov or mdat. */
const HEAD_BYTES = 64 * 1024;

/**
 * Decided by the bytes, never by the declared content type alone: ffmpeg probes the
 * content, and a file that only claims to be media (a playlist naming other URLs, say)
 * must not be handed to it as a URL. The magic numbers of the containers streamed:
 */
const SEQUENTIAL_MAGIC: { name: string; test: (head: Buffer) => boolean }[] = [
  { name: 'matroska/webm', test: (h) => h.length >= 4 && h.readUInt32BE(0) === 0x1a45dfa3 },
  { name: 'wav', test: (h) => h.length >= 12 && h.toString('latin1', 0, 4) === 'RIFF' && h.toString('latin1', 8, 12) === 'WAVE' },
  { name: 'ogg', test: (h) => h.length >= 4 && h.toString('latin1', 0, 4) === 'OggS' },
  { name: 'iso-bmff with moov first', test: (h) => moovBeforeMdat(h) === true },
];

/**
 * The artifact's first bytes (up to 64 KB) when ffmpeg can read it front to back, as
 * above, else undefined: the callers read on from them (the MP4 index, a WAV header).
 */
export async function sequentialHead(artifacts: ProjectArtifacts, ref: ArtifactRef): Promise<Buffer | undefined> {
  if (ref.size < 16) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of await artifacts.openStream(ref.id, { start: 0, end: Math.min(HEAD_BYTES, ref.size) - 1 })) chunks.push(c as Buffer);
  const head = Buffer.concat(chunks);
  return SEQUENTIAL_MAGIC.some((m) => m.test(head)) ? head : undefined;
}

/** Walks top-level ISO BMFF boxes: true (moov first), false (mdat first), undefined (not found in `head`). */
export function moovBeforeMdat(head: Buffer): boolean | undefined {
  let offset = 0;
  while (offset + 8 <= head.length) {
    let size = head.readUInt32BE(offset);
    const type = head.toString('latin1', offset + 4, offset + 8);
    if (type === 'moov') return true;
    if (type === 'mdat') return false;
    if (size === 1) {
      if (offset + 16 > head.length) return undefined;
      size = Number(head.readBigUInt64BE(offset + 8));
    }
    // 0 = "to the end of the file": nothing after it.
    if (size < 8) return undefined;
    offset += size;
  }
  return undefined;
}
