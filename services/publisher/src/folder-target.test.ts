import { describe, expect, it } from 'vitest';
import { sanitizeFileName } from './folder-target.js';

describe('folder file names', () => {
  it('refuses names that are paths', () => {
    for (const name of ['../x.mp4', 'a/b.mp4', 'a\\b.mp4', '..', '.']) {
      expect(() => sanitizeFileName(name), name).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });
  it('replaces reserved and control characters and a leading dot', () => {
    expect(sanitizeFileName('ep:1?.mp4')).toBe('ep_1_.mp4');
    expect(sanitizeFileName('.hidden.mp4')).toBe('_hidden.mp4');
    expect(sanitizeFileName('tab\there.mp4')).toBe('tab_here.mp4');
  });
});
