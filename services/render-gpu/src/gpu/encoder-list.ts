/**
 * Reads `ffmpeg -hide_banner -encoders`: a legend, a `------` rule, then one line per
 * encoder — six flag columns (V/A/S, frame-threads, slice-threads, experimental,
 * draw-horiz-band, direct-rendering), the name, a description.
 */
export interface EncoderEntry {
  name: string;
  kind: 'video' | 'audio' | 'subtitle';
  experimental: boolean;
  description: string;
}

const LINE = /^\s*([VAS])([F.])([S.])([X.])([B.])([D.])\s+(\S+)\s+(.*)$/;

export function parseEncoderList(stdout: string): EncoderEntry[] {
  const rule = stdout.indexOf('------');
  const body = rule >= 0 ? stdout.slice(stdout.indexOf('\n', rule) + 1) : stdout;
  const entries: EncoderEntry[] = [];
  for (const line of body.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const kind = m[1] === 'V' ? 'video' : m[1] === 'A' ? 'audio' : 'subtitle';
    entries.push({ name: m[7] ?? '', kind, experimental: m[4] === 'X', description: (m[8] ?? '').trim() });
  }
  return entries;
}
