import { describe, expect, it } from 'vitest';
import { renderKeyValues, renderTable } from './table.js';

describe('renderTable', () => {
  it('pads columns to their widest cell and right-aligns numeric columns', () => {
    const text = renderTable(
      ['NAME', 'PENDING', 'PAUSED'],
      [
        ['system', 3, false],
        ['media-gpu', 120, true],
      ],
    );
    expect(text.split('\n')).toEqual(['NAME       PENDING  PAUSED', 'system           3  no', 'media-gpu      120  yes']);
  });

  it('shows missing values as a dash and keeps each row on one line', () => {
    const text = renderTable(
      ['ID', 'ERROR'],
      [
        ['a', 'line one\nline two'],
        ['b', undefined],
      ],
    );
    expect(text.split('\n')).toEqual(['ID  ERROR', 'a   line one line two', 'b   -']);
  });

  it('prints only the header for no rows', () => {
    expect(renderTable(['ID', 'STATUS'], [])).toBe('ID  STATUS');
  });
});

describe('renderKeyValues', () => {
  it('aligns values and leaves out empty fields', () => {
    expect(
      renderKeyValues([
        ['id', 'j1'],
        ['status', 'running'],
        ['error', undefined],
      ]),
    ).toBe('id:      j1\nstatus:  running');
  });
});
