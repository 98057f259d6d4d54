import type { ArtifactRef } from '@reelay/contracts';
import type { ProjectArtifacts } from '@reelay/runtime';

/**
 * Whether ffmpeg can read an artifact front to back from a stream, without seeking far:
 * then it is streamed from the store while the job encodes (artifact-input-server.ts);
 * otherwise it is downloaded first. Containers that carry their index up front qualify:
 * Matroska/WebM, WAV, MP3, Ogg, MPEG-TS, and MP4/MOV/M4A whose `moov` box comes before
 * `mdat` ("faststart": what Reelay's own renders and transcodes write). An MP4 with
 * `moov` at the end (a camera's or ffmpeg's default) would make ffmpeg read the whole
 * file to reach its index and then read it again, and images are looped by seeking.
 */

const SEQUENTIAL_TYPES = new Set([
  'video/webm',
  'video/x-matroska',
  'audio/webm',
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/mpeg',
  'audio/ogg',
  'audio/opus',
  'video/mp2t',
]);
const ISO_BMFF_TYPES = new Set(['video/mp4', 'video/quicktime', 'audio/mp4', 'audio/x-m4a', 'video/x-m4v']);
/** Enough for ftyp plus any free/wide/uuid boxes a muxer puts before moov or mdat. */
const HEAD_BYTES = 64 * 1024;

export async function readsSequentially(artifacts: ProjectArtifacts, ref: ArtifactRef): Promise<boolean> {
  const type = ref.contentType.toLowerCase();
  if (SEQUENTIAL_TYPES.has(type)) return true;
  if (!ISO_BMFF_TYPES.has(type) || ref.size < 16) return false;
  const chunks: Buffer[] = [];
  for await (const c of await artifacts.openStream(ref.id, { start: 0, end: Math.min(HEAD_BYTES, ref.size) - 1 })) chunks.push(c as Buffer);
  return moovBeforeMdat(Buffer.concat(chunks)) === true;
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
