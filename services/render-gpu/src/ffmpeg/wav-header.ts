import type { IndexSummary } from './mp4-index.js';

/**
 * What media.render needs to know of a WAV input (its music or voice: that it has sound,
 * and how long it lasts), read from the RIFF header in the first bytes the container
 * check has already read, instead of from an ffprobe run (~0.14 CPU-s, most of it
 * loading ffprobe's libraries). Answers only for uncompressed PCM or float samples
 * (format tags 1 and 3, or WAVE_FORMAT_EXTENSIBLE) with a data chunk of a stated size
 * that fits the file — its length is then the data's bytes over the byte rate, as ffprobe
 * computes it; anything else (a header a streaming writer left unfinished, a compressed
 * codec, chunks past `head`) is undefined and probed.
 */

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

export function wavSummaryOf(head: Buffer, size: number): IndexSummary | undefined {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let fmt: { format: number; channels: number; sampleRate: number; byteRate: number } | undefined;
  let at = 12;
  while (at + 8 <= head.length) {
    const id = head.toString('latin1', at, at + 4);
    const length = head.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (length < 16 || body + 16 > head.length) return undefined;
      fmt = {
        format: head.readUInt16LE(body),
        channels: head.readUInt16LE(body + 2),
        sampleRate: head.readUInt32LE(body + 4),
        byteRate: head.readUInt32LE(body + 8),
      };
    } else if (id === 'data') {
      // 0 and 0xFFFFFFFF are what a writer that could not seek back leaves.
      if (!fmt || length === 0 || length === 0xffffffff || body + length > size) return undefined;
      if (![PCM, IEEE_FLOAT, EXTENSIBLE].includes(fmt.format) || fmt.channels === 0 || fmt.sampleRate === 0 || fmt.byteRate === 0) {
        return undefined;
      }
      return { hasVideo: false, hasAudio: true, durationSec: length / fmt.byteRate, followable: false };
    }
    // Chunks are padded to an even length.
    at = body + length + (length % 2);
  }
  return undefined;
}
