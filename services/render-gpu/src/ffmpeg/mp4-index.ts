import type { ArtifactRef } from '@reelay/contracts';
import type { ProjectArtifacts } from '@reelay/runtime';

/**
 * What media.transcode needs to know of an MP4/MOV source — whether it has a picture,
 * and how long it lasts — read from its index (`moov`) in the store, instead of from an
 * ffprobe run: Debian's ffprobe spends ~0.1 CPU-s loading its libraries before it reads
 * a byte, and the worker another ~0.03 s forking it. Only for sources whose index comes
 * first (the ones streamed); anything this cannot read says undefined and is probed.
 * Not a demuxer: the handler types of the tracks and the movie header's duration only.
 */

export interface IndexSummary {
  hasVideo: boolean;
  hasAudio: boolean;
  /** The movie header's duration; 0 when it does not say (fragmented files). */
  durationSec: number;
}

/** ftyp and any boxes before moov sit in this; moov itself is read whole after it. */
const HEAD_BYTES = 64 * 1024;
/** An index larger than this (hours of video) is left to ffprobe. */
const MAX_INDEX_BYTES = 16 * 1024 * 1024;

export async function readIndexSummary(artifacts: ProjectArtifacts, ref: ArtifactRef): Promise<IndexSummary | undefined> {
  const head = await readRange(artifacts, ref.id, 0, Math.min(HEAD_BYTES, ref.size) - 1);
  const moov = moovLocation(head);
  if (!moov || moov.size > MAX_INDEX_BYTES || moov.offset + moov.size > ref.size) return undefined;
  const bytes =
    moov.offset + moov.size <= head.length
      ? head.subarray(moov.offset, moov.offset + moov.size)
      : await readRange(artifacts, ref.id, moov.offset, moov.offset + moov.size - 1);
  return indexSummary(bytes);
}

/** Where the top-level moov box is, when it comes before mdat and its header is in `head`. */
export function moovLocation(head: Buffer): { offset: number; size: number } | undefined {
  let offset = 0;
  while (offset + 8 <= head.length) {
    let size = head.readUInt32BE(offset);
    const type = head.toString('latin1', offset + 4, offset + 8);
    if (size === 1) {
      if (offset + 16 > head.length) return undefined;
      size = Number(head.readBigUInt64BE(offset + 8));
    }
    if (type === 'mdat' || size < 8) return undefined;
    if (type === 'moov') return { offset, size };
    offset += size;
  }
  return undefined;
}

/** The summary of one whole moov box, or undefined if it does not read as one. */
export function indexSummary(moov: Buffer): IndexSummary | undefined {
  const top = boxes(moov, 0, moov.length).next().value;
  if (top?.type !== 'moov') return undefined;
  let durationSec: number | undefined;
  const handlers: string[] = [];
  for (const box of boxes(moov, top.body, top.end)) {
    if (box.type === 'mvhd') durationSec = movieDuration(moov, box);
    if (box.type !== 'trak') continue;
    const mdia = child(moov, box, 'mdia');
    const hdlr = mdia && child(moov, mdia, 'hdlr');
    // version/flags (4), pre_defined (4), handler_type (4)
    if (hdlr && hdlr.body + 12 <= hdlr.end) handlers.push(moov.toString('latin1', hdlr.body + 8, hdlr.body + 12));
  }
  if (durationSec === undefined) return undefined;
  return { hasVideo: handlers.includes('vide'), hasAudio: handlers.includes('soun'), durationSec };
}

interface Box {
  type: string;
  /** Where its payload starts. */
  body: number;
  end: number;
}

/** The boxes in [from, to); stops at the first that does not fit. */
function* boxes(buf: Buffer, from: number, to: number): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) return;
    yield { type, body: at + header, end: at + size };
    at += size;
  }
}

function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  for (const box of boxes(buf, parent.body, parent.end)) if (box.type === type) return box;
  return undefined;
}

/** mvhd: version 1 has 64-bit times and duration, version 0 32-bit ones. */
function movieDuration(buf: Buffer, mvhd: Box): number | undefined {
  const v1 = buf[mvhd.body] === 1;
  const timescaleAt = mvhd.body + (v1 ? 20 : 12);
  if (timescaleAt + (v1 ? 12 : 8) > mvhd.end) return undefined;
  const timescale = buf.readUInt32BE(timescaleAt);
  const duration = v1 ? buf.readBigUInt64BE(timescaleAt + 4) : BigInt(buf.readUInt32BE(timescaleAt + 4));
  if (timescale === 0) return undefined;
  // All ones: "not known".
  if (duration === (v1 ? 0xffffffffffffffffn : 0xffffffffn)) return 0;
  return Number(duration) / timescale;
}

async function readRange(artifacts: ProjectArtifacts, id: string, start: number, end: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await artifacts.openStream(id, { start, end })) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
