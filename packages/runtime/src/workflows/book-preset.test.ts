import { describe, expect, it } from 'vitest';
import { expandBookPreset } from './book-preset.js';
import { workflowIssues } from './workflow-validation.js';

const body = {
  preset: 'book' as const,
  title: 'Lighthouses',
  sources: [{ id: 'S1', title: 'Notes', artifactId: 'a'.repeat(26) }],
  chapters: 5,
  batchSize: 2,
  targets: [{ type: 'folder' as const, dir: '/srv/books' }],
};

describe('the book preset', () => {
  it('writes one chapter step per chapter, at most batchSize at once, each checked three ways', () => {
    const spec = expandBookPreset(body);
    const byId = new Map(spec.steps.map((s) => [s.id, s]));
    expect(byId.get('chapter-1')?.dependsOn).toEqual(['outline']);
    expect(byId.get('chapter-3')?.dependsOn).toEqual(['outline', 'chapter-1']);
    expect(byId.get('chapter-5')?.dependsOn).toEqual(['outline', 'chapter-3']);
    for (let k = 1; k <= 5; k++) for (const c of ['length', 'sources', 'quality']) expect(byId.has(`validate-${k}-${c}`)).toBe(true);
    expect(byId.get('export')?.type).toBe('book.export-all');
    expect(spec.steps.filter((s) => s.type === 'publish.folder').map((s) => s.id)).toEqual([
      'publish-1-folder-markdown',
      'publish-1-folder-docx',
      'publish-1-folder-pdf',
    ]);
  });

  it('is a valid DAG whose every $ref names an upstream step', () => {
    const spec = expandBookPreset(body);
    expect(workflowIssues(spec, () => true)).toEqual([]);
  });
});
