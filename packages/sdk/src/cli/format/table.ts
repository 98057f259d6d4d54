/**
 * Aligned plain-text tables for human output: columns padded to their widest cell, two
 * spaces apart, numbers right-aligned. No borders or colours, so the output pipes cleanly
 * into grep, cut and awk.
 */
export type Cell = string | number | boolean | undefined | null;

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function renderTable(columns: Array<string | Column>, rows: Cell[][]): string {
  const cols: Column[] = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const text = rows.map((row) => cols.map((_, i) => cellText(row[i])));
  const widths = cols.map((c, i) => Math.max(c.header.length, ...text.map((r) => r[i]!.length)));
  const aligns = cols.map((c, i) => c.align ?? (rows.length > 0 && rows.every((r) => typeof r[i] === 'number') ? 'right' : 'left'));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (aligns[i] === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.header)), ...text.map(line)].join('\n');
}

/** `key: value` lines with the values aligned, for one record. */
export function renderKeyValues(pairs: Array<[string, Cell]>): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '');
  const width = Math.max(0, ...shown.map(([k]) => k.length + 1));
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${cellText(v)}`).join('\n');
}

function cellText(value: Cell): string {
  if (value === undefined || value === null || value === '') return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  // One line per row: a newline in a stage or error text would break the columns.
  return String(value).replace(/\s*\n\s*/g, ' ');
}
