/**
 * Parses ffmpeg's `-progress pipe:1` output: blocks of `key=value` lines, each closed by
 * `progress=continue` or `progress=end`. One typed event per block. Not a stderr parser:
 * `-nostats` keeps the human status line out of the way.
 */

export interface FfmpegProgress {
  /** Position in the output, seconds; undefined until ffmpeg knows it (N/A at start). */
  outTimeSec: number | undefined;
  frame: number | undefined;
  fps: number | undefined;
  /** Encode speed as a multiple of real time (1.5 for "1.5x"). */
  speed: number | undefined;
  /** `progress=end`: the last block of the run. */
  done: boolean;
}

export class ProgressParser {
  private buffered = '';
  private block = new Map<string, string>();

  constructor(private readonly onProgress: (event: FfmpegProgress) => void) {}

  push(chunk: string): void {
    this.buffered += chunk;
    let newline = this.buffered.indexOf('\n');
    while (newline >= 0) {
      this.line(this.buffered.slice(0, newline).trim());
      this.buffered = this.buffered.slice(newline + 1);
      newline = this.buffered.indexOf('\n');
    }
  }

  private line(line: string): void {
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key !== 'progress') {
      this.block.set(key, value);
      return;
    }
    const b = this.block;
    this.block = new Map();
    // out_time_ms is microseconds too (an old ffmpeg misnomer); prefer out_time_us.
    const us = numberOf(b.get('out_time_us') ?? b.get('out_time_ms'));
    this.onProgress({
      outTimeSec: us === undefined || us < 0 ? undefined : us / 1e6,
      frame: numberOf(b.get('frame')),
      fps: numberOf(b.get('fps')),
      speed: numberOf(b.get('speed')?.replace(/x$/, '')),
      done: value === 'end',
    });
  }
}

function numberOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === 'N/A' || raw === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
