import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { generated } from '../scripts/docs/generate.mjs';

const root = new URL('../', import.meta.url);

describe('docs the code keeps honest', () => {
  for (const [file, make] of Object.entries(generated as Record<string, () => string>)) {
    it(`${file} matches the code it is generated from (run node scripts/docs/generate.mjs)`, () => {
      expect(readFileSync(new URL(file, root), 'utf8')).toBe(make());
    });
  }

  it('every job error code has a written meaning', () => {
    expect(readFileSync(new URL('docs/errors.md', root), 'utf8')).not.toContain('(undocumented)');
  });

  it('every variable the services read has a description', () => {
    const rows = readFileSync(new URL('docs/configuration.md', root), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) expect(row.split('|')[4]?.trim(), row).not.toBe('');
  });
});
