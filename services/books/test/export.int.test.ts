import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  BOOK_CHAPTER_CONTENT_TYPE,
  BOOK_EXPORT_CONTENT_TYPES,
  type BookChapter,
  BookExportAllOutput,
  BookExportOutput,
  type BookManifest,
  BookPdfExportOutput,
} from '@reelay/contracts';
import { type RunningWorker, runWorker } from '@reelay/runtime';
import { startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTaskImplementations } from '../src/export/index.js';
import { BOOK, CHAPTERS, CONCLUSION, INTRODUCTION, TOTAL_WORDS } from './export-fixtures.js';

const run = promisify(execFile);
const PROJECT = 'default';

/** Paragraphs of a WordprocessingML part: style id and text. */
function wordParagraphs(xml: string): { style: string | undefined; text: string }[] {
  const decode = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  return (xml.match(/<w:p[ >][\s\S]*?<\/w:p>/g) ?? []).map((p) => ({
    style: /<w:pStyle w:val="([^"]+)"\/>/.exec(p)?.[1],
    text: decode([...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')),
  }));
}

describe('book export through a worker on the book-export queue', () => {
  let sys: TestSystem;
  let worker: RunningWorker;
  let dir: string;
  let manifest: BookManifest;
  let all: BookExportAllOutput;
  const files: Record<'markdown' | 'docx' | 'pdf', string> = { markdown: '', docx: '', pdf: '' };

  const putJson = async (value: unknown, contentType = BOOK_CHAPTER_CONTENT_TYPE) =>
    (
      await sys.artifacts.putStream(Readable.from([Buffer.from(JSON.stringify(value))]), {
        name: 'part.json',
        contentType,
        project: PROJECT,
      })
    ).id;
  const exportJob = async (type: string, input: unknown) => {
    const { job } = await sys.client.enqueue({ type, input, project: PROJECT });
    return sys.waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
  };
  const download = async (id: string, name: string) => {
    const file = path.join(dir, name);
    await sys.artifacts.getToFile(id, file);
    return file;
  };

  beforeAll(async () => {
    sys = await startTestSystem();
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-book-export-'));
    worker = await runWorker({
      service: 'books-export-test',
      concurrency: 2,
      handleSignals: false,
      env: { NATS_URL: sys.nats.url, LOG_LEVEL: 'silent', ACK_WAIT_MS: '5000' },
      tasks: exportTaskImplementations(),
    });
    manifest = {
      ...BOOK,
      introduction: await putJson(INTRODUCTION),
      chapters: await Promise.all(CHAPTERS.map((c) => putJson(c))),
      conclusion: await putJson(CONCLUSION),
    };
    const done = await exportJob('book.export-all', { manifest });
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    all = BookExportAllOutput.parse(done.result);
    files.markdown = await download(all.markdown.id, 'book.md');
    files.docx = await download(all.docx.id, 'book.docx');
    files.pdf = await download(all.pdf.id, 'book.pdf');
  });
  afterAll(async () => {
    await worker?.stop();
    await sys?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('book.export-all stores a Markdown, a Word and a PDF file of the book and reports its words, chapters, notes and pages', async () => {
    expect(all.markdown).toMatchObject({ name: 'the-enchantress-of-numbers.md', contentType: 'text/markdown', project: PROJECT });
    expect(all.docx).toMatchObject({ name: 'the-enchantress-of-numbers.docx', contentType: BOOK_EXPORT_CONTENT_TYPES.docx });
    expect(all.pdf).toMatchObject({ name: 'the-enchantress-of-numbers.pdf', contentType: 'application/pdf' });
    expect(all).toMatchObject({ words: TOTAL_WORDS, chapters: 3, notes: 11 });
    const info = (await run('pdfinfo', [files.pdf])).stdout;
    expect(Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])).toBe(all.pages);
  });

  it('the Markdown has the title, a contents list linking to each heading’s anchor, the chapters, footnotes and the bibliography', async () => {
    const md = await readFile(files.markdown, 'utf8');
    expect(md.startsWith('# The Enchantress of Numbers\n')).toBe(true);
    const headings = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'Contents',
      'Introduction',
      'Chapter 1: A Poetical Science',
      'Chapter 2: The Notes',
      'Chapter 3: Afterlives',
      'Conclusion',
      'Bibliography',
    ]);
    expect(md).toContain('### Note G and the Bernoulli Numbers');
    expect(md).toContain('- [Chapter 1: A Poetical Science](#chapter-1-a-poetical-science)');
    expect(md).toContain('  - [Note G and the Bernoulli Numbers](#note-g-and-the-bernoulli-numbers)');
    // Every footnote called in the text is defined, once, and numbered 1…n.
    const calls = [...md.matchAll(/\[\^(\d+)\](?!:)/g)].map((m) => Number(m[1]));
    const definitions = [...md.matchAll(/^\[\^(\d+)\]: (.+)$/gm)];
    expect(calls).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(definitions.map((m) => Number(m[1]))).toEqual(calls);
    expect(definitions[1]?.[2]).toBe('Letters of Ada Byron, Countess of Lovelace: “I am more than ever now the bride of science.”');
    expect(md).toContain('- **S2** — Charles Babbage. Passages from the Life of a Philosopher.');
  });

  it('the Word document has a title, a contents field, parts in Heading 1 and sections in Heading 2, and citations as footnotes', async () => {
    const zip = await JSZip.loadAsync(await readFile(files.docx));
    const document = await zip.file('word/document.xml')!.async('string');
    const paragraphs = wordParagraphs(document);
    expect(paragraphs.find((p) => p.style === 'Title')?.text).toBe('The Enchantress of Numbers');
    expect(paragraphs.filter((p) => p.style === 'Heading1').map((p) => p.text)).toEqual([
      'Introduction',
      'Chapter 1: A Poetical Science',
      'Chapter 2: The Notes',
      'Chapter 3: Afterlives',
      'Conclusion',
      'Bibliography',
    ]);
    expect(paragraphs.filter((p) => p.style === 'Heading2').map((p) => p.text)).toContain('Meeting Babbage');
    expect(document).toMatch(/<w:instrText[^>]*>TOC \\h \\o &quot;1-2&quot;<\/w:instrText>/);
    // Its entries are written too, so the contents are not empty before Word updates them.
    expect(paragraphs.filter((p) => p.style === 'TOC1').map((p) => p.text)).toContain('Chapter 2: The Notes');
    const references = [...document.matchAll(/<w:footnoteReference w:id="(\d+)"\/>/g)].map((m) => Number(m[1]));
    expect(references).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    const footnotes = await zip.file('word/footnotes.xml')!.async('string');
    const note6 = /<w:footnote w:id="6">([\s\S]*?)<\/w:footnote>/.exec(footnotes)?.[1] ?? '';
    expect(
      wordParagraphs(note6)
        .map((p) => p.text)
        .join(''),
    ).toContain('“The Analytical Engine weaves algebraical patterns.”');
  });

  it('the PDF embeds its fonts, lists the contents with the page each part starts on, numbers its pages and prints numbered notes', async () => {
    const fonts = (await run('pdffonts', [files.pdf])).stdout.trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const row of fonts) expect(row.split(/\s+/).slice(-5, -3), row).toEqual(['yes', 'yes']); // emb, sub
    const pageText = async (page: number) =>
      (await run('pdftotext', ['-layout', '-f', String(page), '-l', String(page), files.pdf, '-'])).stdout;
    const pages: string[] = [];
    for (let p = 1; p <= all.pages; p++) pages.push(await pageText(p));
    expect(pages[0]).toContain('The Enchantress of');
    expect(pages[0]).toContain('A Short Life of Ada Lovelace');
    expect(pages[1]).toContain('Contents');
    // Each contents entry's page number is the page its heading is printed on.
    for (const [label, marker] of [
      ['Introduction', 'Why Ada Lovelace'],
      ['Chapter 1: A Poetical Science', 'CHAPTER 1'],
      ['Chapter 2: The Notes', 'CHAPTER 2'],
      ['Chapter 3: Afterlives', 'CHAPTER 3'],
      ['Bibliography', '[S1]'],
    ] as const) {
      const listed = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ .]*?(\\d+)\\s*$`, 'm').exec(pages[1]!);
      expect(listed, label).not.toBeNull();
      const onPage = pages.findIndex((text, i) => i > 1 && text.includes(marker)) + 1;
      expect(Number(listed![1]), label).toBe(onPage);
    }
    // Every page after the title carries its number as its last line.
    expect(pages.slice(1).map((text) => text.trim().split('\n').at(-1)?.trim())).toEqual(pages.slice(1).map((_, i) => String(i + 2)));
    const chapterOne = pages.filter((text) => /Meeting Babbage|CHAPTER 1/.test(text)).join('\n');
    expect(chapterOne).toContain('Notes');
    expect(chapterOne).toMatch(/2\. Letters of Ada Byron, Countess of Lovelace: “I am more than ever now the bride of science\.”/);
    expect(chapterOne).toContain('⁵'); // the call of note 5, in superscript
  });

  it('each format also has a task of its own, with the same figures, the file name and page size asked for', async () => {
    const input = { manifest, options: { fileName: 'ada', pageSize: 'LETTER', quotesInNotes: false } };
    const [md, docx, pdf] = await Promise.all([
      exportJob('book.export-markdown', input),
      exportJob('book.export-docx', input),
      exportJob('book.export-pdf', input),
    ]);
    const mdOut = BookExportOutput.parse(md.result);
    const docxOut = BookExportOutput.parse(docx.result);
    const pdfOut = BookPdfExportOutput.parse(pdf.result);
    expect([mdOut.artifact.name, docxOut.artifact.name, pdfOut.artifact.name]).toEqual(['ada.md', 'ada.docx', 'ada.pdf']);
    expect([mdOut.artifact.contentType, docxOut.artifact.contentType, pdfOut.artifact.contentType]).toEqual([
      BOOK_EXPORT_CONTENT_TYPES.markdown,
      BOOK_EXPORT_CONTENT_TYPES.docx,
      BOOK_EXPORT_CONTENT_TYPES.pdf,
    ]);
    for (const out of [mdOut, docxOut, pdfOut]) expect(out).toMatchObject({ words: TOTAL_WORDS, chapters: 3, notes: 11 });
    const info = (await run('pdfinfo', [await download(pdfOut.artifact.id, 'ada.pdf')])).stdout;
    expect(info).toMatch(/^Page size:\s+612 x 792 pts \(letter\)/m);
    const text = await readFile(await download(mdOut.artifact.id, 'ada.md'), 'utf8');
    expect(text).toContain('[^2]: Letters of Ada Byron, Countess of Lovelace.\n');
  });

  it('a manifest naming an artifact that is not a chapter fails at once with INVALID_INPUT, into the DLQ', async () => {
    const notes = (
      await sys.artifacts.putStream(Readable.from([Buffer.from('just notes')]), {
        name: 'notes.txt',
        contentType: 'text/plain',
        project: PROJECT,
      })
    ).id;
    const failed = await exportJob('book.export-markdown', { manifest: { ...manifest, chapters: [notes] } });
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'INVALID_INPUT' } });
    expect(failed.error?.message).toContain('not a book chapter');
    expect((await sys.client.getDeadLetter(failed.id))?.reason).toBe('permanent');
  });

  it('a chapter that cites a source the manifest does not list is refused, naming the source', async () => {
    const stray: BookChapter = {
      ...CHAPTERS[0]!,
      sections: [{ heading: 'Stray', paragraphs: [{ text: 'An unsourced claim.', citations: [{ sourceId: 'S9' }] }] }],
    };
    const failed = await exportJob('book.export-pdf', { manifest: { ...manifest, chapters: [await putJson(stray)] } });
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'INVALID_INPUT' } });
    expect(failed.error?.message).toContain('"S9"');
  });

  it('a chapter artifact in the introduction’s place is refused: export prints the parts where the manifest puts them', async () => {
    const failed = await exportJob('book.export-markdown', { manifest: { ...manifest, introduction: manifest.chapters[0] } });
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'INVALID_INPUT' } });
    expect(failed.error?.message).toMatch(/chapter, but the manifest gives it as its introduction/);
  });
});
