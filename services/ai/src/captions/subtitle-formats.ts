/** SubRip and WebVTT text for a list of cues. Times are rounded to the millisecond. */
import type { CaptionCue } from '@reelay/contracts';

export function toSrt(cues: readonly CaptionCue[]): string {
  return cues.map((c, i) => `${i + 1}\n${timestamp(c.startSec, ',')} --> ${timestamp(c.endSec, ',')}\n${c.lines.join('\n')}\n`).join('\n');
}

export function toVtt(cues: readonly CaptionCue[]): string {
  const body = cues.map((c) => `${timestamp(c.startSec, '.')} --> ${timestamp(c.endSec, '.')}\n${c.lines.join('\n')}\n`).join('\n');
  return `WEBVTT\n\n${body}`;
}

/** `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (VTT). */
export function timestamp(seconds: number, separator: ',' | '.'): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const ms = totalMs % 1000;
  const s = Math.floor(totalMs / 1000) % 60;
  const m = Math.floor(totalMs / 60_000) % 60;
  const h = Math.floor(totalMs / 3_600_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms, 3)}`;
}
