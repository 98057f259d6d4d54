import PDFDocument from 'pdfkit';
import { BIBLIOGRAPHY_HEADING, type ExportBook, type ExportNote } from './export-model.js';
import type { PdfFonts } from './pdf-fonts.js';

/**
 * The PDF export, with pdfkit rather than pdfmake: pdfkit is the layer pdfmake is built
 * on, streams its output, embeds TrueType fonts as subsets, and gives the page-level
 * control a book needs (buffered pages to go back and write the contents' page numbers
 * and the folios, named destinations for linked contents, the outline for bookmarks),
 * without pdfmake's document-definition layer and virtual font file system.
 *
 * Layout, in one pass over buffered pages: title page; the contents, whose page count is
 * worked out from its entries before anything else is laid out, left blank; each part on
 * a new page with its sections and, at its end, its numbered notes; the bibliography.
 * Then the contents are filled in with the pages each heading landed on, and every page
 * after the title gets its number. Page numbers are the PDF's own (the title page is 1).
 */

const PAGE_SIZES = { A4: 'A4', LETTER: 'LETTER' } as const;
const MARGIN = 72;
const BODY_SIZE = 11;
const BODY_GAP = 2.5;
const NOTE_SIZE = 9;
const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

export interface PdfResult {
  pdf: Buffer;
  pages: number;
}

interface TocEntry {
  label: string;
  level: 0 | 1;
  destination: string;
  page: number;
  /** Where the contents print it: the contents page (0-based) and the y there. */
  at: { page: number; y: number };
}

/** A note number in superscript digits: 12 → ¹². */
export function superscript(n: number): string {
  return String(n).replace(/\d/g, (d) => SUPERSCRIPT[Number(d)]!);
}

/** The note marks after a paragraph, joined by narrow no-break spaces so they stay together. */
export function noteMarks(numbers: readonly number[]): string {
  return numbers.map(superscript).join('\u202f');
}

export async function renderPdf(
  book: ExportBook,
  options: { pageSize: keyof typeof PAGE_SIZES; fonts: PdfFonts; pace?: (stage: string) => Promise<void> },
): Promise<PdfResult> {
  const pace = options.pace ?? (async () => {});
  const doc = new PDFDocument({
    size: PAGE_SIZES[options.pageSize],
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    // The default font would be Helvetica, which is never embedded; start on DejaVu.
    font: options.fonts.regular,
    lang: 'en',
    displayTitle: true,
    info: {
      Title: book.title,
      ...(book.author ? { Author: book.author } : {}),
      ...(book.subtitle ? { Subject: book.subtitle } : {}),
      Creator: 'Reelay books export',
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('regular', options.fonts.regular);
  doc.registerFont('bold', options.fonts.bold);
  doc.registerFont('italic', options.fonts.italic);
  doc.registerFont('heading', options.fonts.heading);

  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const pageNumber = () => doc.bufferedPageRange().count; // 1-based, pages so far
  const ensureSpace = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const bodyLine = () => {
    doc.font('regular').fontSize(BODY_SIZE);
    return doc.currentLineHeight(true) + BODY_GAP;
  };

  // -- title page
  doc
    .font('heading')
    .fontSize(30)
    .text(book.title, left, doc.page.height * 0.3, { width, align: 'center' });
  if (book.subtitle) doc.moveDown(0.8).font('italic').fontSize(16).text(book.subtitle, left, doc.y, { width, align: 'center' });
  if (book.author)
    doc
      .font('regular')
      .fontSize(14)
      .text(book.author, left, doc.page.height * 0.62, { width, align: 'center' });

  // -- contents: entries and where they go, so the body knows the page it starts on
  const toc: TocEntry[] = [];
  book.parts.forEach((part, i) => {
    toc.push({ label: part.heading, level: 0, destination: `part-${i + 1}`, page: 0, at: { page: 0, y: 0 } });
    part.sections.forEach((section, j) => {
      toc.push({ label: section.heading, level: 1, destination: `part-${i + 1}-${j + 1}`, page: 0, at: { page: 0, y: 0 } });
    });
  });
  toc.push({ label: BIBLIOGRAPHY_HEADING, level: 0, destination: 'bibliography', page: 0, at: { page: 0, y: 0 } });
  const tocNumberWidth = 36;
  const tocStyle = (level: 0 | 1) => {
    doc.font(level === 0 ? 'bold' : 'regular').fontSize(level === 0 ? 11.5 : 10.5);
    return { indent: level === 0 ? 0 : 18, before: level === 0 ? 8 : 2 };
  };
  doc.font('heading').fontSize(20);
  const tocTop = MARGIN + doc.currentLineHeight(true) + 18;
  let tocPages = 1;
  let y = tocTop;
  for (const entry of toc) {
    const { indent, before } = tocStyle(entry.level);
    const height = doc.heightOfString(entry.label, { width: width - indent - tocNumberWidth });
    if (y + before + height > doc.page.height - MARGIN) {
      tocPages++;
      y = MARGIN;
    } else {
      y += before;
    }
    entry.at = { page: tocPages - 1, y };
    y += height;
  }
  const firstTocPage = pageNumber(); // 0-based index of the first contents page, once added
  for (let i = 0; i < tocPages; i++) doc.addPage();

  // -- the parts
  const notesBlock = (notes: readonly ExportNote[]) => {
    doc.font('heading').fontSize(11);
    ensureSpace(doc.currentLineHeight(true) * 3);
    doc.moveDown(1).text('Notes', left, doc.y, { width });
    doc.moveDown(0.3);
    for (const note of notes) {
      doc.font('regular').fontSize(NOTE_SIZE);
      const height = doc.heightOfString(note.text, { width: width - 24 });
      ensureSpace(height + 3);
      const top = doc.y;
      doc.text(`${note.number}.`, left, top, { width: 20, align: 'right' });
      doc.text(note.text, left + 24, top, { width: width - 24 });
      doc.y += 3;
    }
  };

  let entry = 0;
  for (const part of book.parts) {
    await pace(part.heading);
    doc.addPage();
    const partEntry = toc[entry++]!;
    partEntry.page = pageNumber();
    doc.addNamedDestination(partEntry.destination);
    const outline = doc.outline.addItem(part.heading);
    if (part.kind === 'chapter') {
      doc
        .font('heading')
        .fontSize(11)
        .fillColor('#666666')
        .text(`CHAPTER ${part.number}`, left, MARGIN + 24, { width, characterSpacing: 1.5 });
      doc.moveDown(0.4);
    } else {
      doc.y = MARGIN + 24;
    }
    const title = part.kind === 'chapter' ? part.heading.replace(/^Chapter \d+: /, '') : part.heading;
    doc.font('heading').fontSize(22).fillColor('black').text(title, left, doc.y, { width });
    doc
      .moveTo(left, doc.y + 8)
      .lineTo(left + width, doc.y + 8)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    doc.y += 28;

    for (const section of part.sections) {
      const sectionEntry = toc[entry++]!;
      doc.font('heading').fontSize(13);
      const headingHeight = doc.heightOfString(section.heading, { width });
      ensureSpace(headingHeight + 10 + 3 * bodyLine());
      if (doc.y > MARGIN + 1) doc.y += 8;
      sectionEntry.page = pageNumber();
      doc.addNamedDestination(sectionEntry.destination, 'XYZ', null, doc.page.height - doc.y + 12, null);
      outline.addItem(section.heading);
      doc.font('heading').fontSize(13).text(section.heading, left, doc.y, { width });
      doc.y += 6;
      for (const paragraph of section.paragraphs) {
        doc.font('regular').fontSize(BODY_SIZE);
        const marks = paragraph.notes.length > 0 ? noteMarks(paragraph.notes) : '';
        doc.text(paragraph.text + marks, left, doc.y, { width, align: 'justify', lineGap: BODY_GAP, paragraphGap: 7 });
      }
    }
    if (part.notes.length > 0) notesBlock(part.notes);
  }

  // -- bibliography
  await pace(BIBLIOGRAPHY_HEADING);
  doc.addPage();
  const bibliographyEntry = toc[entry++]!;
  bibliographyEntry.page = pageNumber();
  doc.addNamedDestination(bibliographyEntry.destination);
  doc.outline.addItem(BIBLIOGRAPHY_HEADING);
  doc
    .font('heading')
    .fontSize(22)
    .text(BIBLIOGRAPHY_HEADING, left, MARGIN + 24, { width });
  doc.y += 18;
  for (const source of book.bibliography) {
    const text = source.url ? `${source.text} ${source.url}` : source.text;
    doc.font('regular').fontSize(10);
    const height = doc.heightOfString(text, { width: width - 64 });
    ensureSpace(height + 6);
    const top = doc.y;
    doc.font('bold').text(`[${source.sourceId}]`, left, top, { width: 60 });
    doc.font('regular').text(text, left + 64, top, { width: width - 64 });
    doc.y = Math.max(doc.y, top + height) + 6;
  }

  // -- fill in the contents
  await pace('contents');
  doc.switchToPage(firstTocPage);
  doc.font('heading').fontSize(20).fillColor('black').text('Contents', left, MARGIN, { width });
  for (const item of toc) {
    doc.switchToPage(firstTocPage + item.at.page);
    const { indent } = tocStyle(item.level);
    const textWidth = width - indent - tocNumberWidth;
    const lineHeight = doc.currentLineHeight(true);
    const height = doc.heightOfString(item.label, { width: textWidth });
    doc.text(item.label, left + indent, item.at.y, { width: textWidth, goTo: item.destination });
    // Dot leaders from the end of the entry's last line to its page number.
    const lastLine = height > lineHeight * 1.5 ? undefined : doc.widthOfString(item.label);
    const numberY = item.at.y + height - lineHeight;
    if (lastLine !== undefined) {
      const from = left + indent + lastLine + 6;
      const to = left + width - tocNumberWidth + 4;
      const dot = doc.widthOfString(' .');
      const count = Math.floor((to - from) / dot);
      if (count > 2)
        doc.fillColor('#888888').text(' .'.repeat(count), to - count * dot, numberY, { width: count * dot + 1, lineBreak: false });
    }
    doc.fillColor('black').text(String(item.page), left + width - tocNumberWidth, numberY, {
      width: tocNumberWidth,
      align: 'right',
      lineBreak: false,
      goTo: item.destination,
    });
  }

  // -- folios on every page after the title
  const range = doc.bufferedPageRange();
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would start a new page: lift the margin for the folio.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(9)
      .fillColor('#444444')
      .text(String(i + 1), left, doc.page.height - MARGIN / 2 - 6, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = margin;
  }

  const pages = range.count;
  doc.end();
  await ended;
  return { pdf: Buffer.concat(chunks), pages };
}
