import { describe, expect, it } from 'vitest';
import { buildExportBook } from './export-model.js';
import { escapeMarkdown, renderMarkdown, Slugger } from './markdown.js';

describe('the Markdown export', () => {
  it('makes anchors as GitHub does, numbering repeated headings', () => {
    const slugger = new Slugger();
    expect(slugger.slug('Chapter 1: The Start!')).toBe('chapter-1-the-start');
    expect(slugger.slug('Notes')).toBe('notes');
    expect(slugger.slug('Notes')).toBe('notes-1');
    expect(slugger.slug('Notes')).toBe('notes-2');
    expect(slugger.slug('Élan vital')).toBe('élan-vital');
  });

  it('escapes what would otherwise be emphasis, links, HTML or a footnote call', () => {
    expect(escapeMarkdown('a *b* [^1] <i> x_y')).toBe('a \\*b\\* \\[^1\\] \\<i\\> x\\_y');
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
    expect(escapeMarkdown('1. not a list')).toBe('1\\. not a list');
  });

  it('links the contents to the anchors of headings that repeat across chapters', () => {
    const chapter = (number: number) => ({
      kind: 'chapter' as const,
      number,
      title: `C${number}`,
      sections: [{ heading: 'Summary', paragraphs: [{ text: 'Text.', citations: [{ sourceId: 'S' }] }] }],
      words: 1,
    });
    const md = renderMarkdown(
      buildExportBook({ title: 'Book', sources: [{ id: 'S', title: 'Source' }], parts: [chapter(1), chapter(2)] }, { quotesInNotes: true }),
    );
    expect(md).toContain('  - [Summary](#summary)\n');
    expect(md).toContain('  - [Summary](#summary-1)\n');
    expect(md).toContain('Text.[^1]\n');
    expect(md).toContain('Text.[^2]\n');
    expect(md.endsWith('[^1]: Source.\n[^2]: Source.\n')).toBe(true);
  });
});
