import { BIBLIOGRAPHY_HEADING, type ExportBook } from './export-model.js';

/**
 * The Markdown export: GitHub-flavoured (footnotes `[^n]` are GFM and most renderers'),
 * title, a table of contents whose links use the anchors GitHub derives from headings,
 * parts as `##`, sections as `###`, citations as footnotes and the bibliography last.
 * Pure: a string from the export model.
 */

/**
 * Anchors as GitHub (github-slugger) makes them: lower case, punctuation dropped, spaces
 * to hyphens, and `-1`, `-2` for a repeated heading. One instance per document.
 */
export class Slugger {
  private readonly seen = new Map<string, number>();

  slug(heading: string): string {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    let slug = base;
    let n = this.seen.get(base) ?? 0;
    while (this.seen.has(slug)) slug = `${base}-${++n}`;
    this.seen.set(base, n);
    this.seen.set(slug, 0);
    return slug;
  }
}

/** Text as Markdown shows it literally: emphasis, links, HTML and footnote marks escaped. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~]/g, '\\$&')
    .replace(/^(#|>|[-+] )/, '\\$1')
    .replace(/^(\d+)([.)] )/, '$1\\$2');
}

/** An autolink where the URL allows one; otherwise the URL as literal text. */
function markdownUrl(url: string): string {
  return /^[a-z][a-z0-9+.-]*:[^\s<>]+$/i.test(url) ? `<${url}>` : escapeMarkdown(url);
}

export function renderMarkdown(book: ExportBook): string {
  const slugger = new Slugger();
  const out: string[] = [];
  slugger.slug(book.title);
  out.push(`# ${escapeMarkdown(book.title)}`, '');
  if (book.subtitle) out.push(`*${escapeMarkdown(book.subtitle)}*`, '');
  if (book.author) out.push(`By ${escapeMarkdown(book.author)}`, '');

  // Slugs are taken in document order (as a renderer does), so the table is built first.
  slugger.slug('Contents');
  const partSlugs = book.parts.map((part) => ({
    part: slugger.slug(part.heading),
    sections: part.sections.map((s) => slugger.slug(s.heading)),
  }));
  const bibliographySlug = slugger.slug(BIBLIOGRAPHY_HEADING);

  out.push('## Contents', '');
  book.parts.forEach((part, i) => {
    const slugs = partSlugs[i]!;
    out.push(`- [${escapeMarkdown(part.heading)}](#${slugs.part})`);
    part.sections.forEach((section, j) => {
      out.push(`  - [${escapeMarkdown(section.heading)}](#${slugs.sections[j]})`);
    });
  });
  out.push(`- [${BIBLIOGRAPHY_HEADING}](#${bibliographySlug})`, '');

  for (const part of book.parts) {
    out.push(`## ${escapeMarkdown(part.heading)}`, '');
    for (const section of part.sections) {
      out.push(`### ${escapeMarkdown(section.heading)}`, '');
      for (const paragraph of section.paragraphs) {
        out.push(escapeMarkdown(paragraph.text) + paragraph.notes.map((n) => `[^${n}]`).join(''), '');
      }
    }
  }

  out.push(`## ${BIBLIOGRAPHY_HEADING}`, '');
  for (const entry of book.bibliography) {
    out.push(`- **${escapeMarkdown(entry.sourceId)}** — ${escapeMarkdown(entry.text)}${entry.url ? ` ${markdownUrl(entry.url)}` : ''}`);
  }
  out.push('');

  for (const part of book.parts) {
    for (const note of part.notes) out.push(`[^${note.number}]: ${escapeMarkdown(note.text)}`);
  }
  return `${out.join('\n').trimEnd()}\n`;
}
