import {
  AlignmentType,
  Document,
  Footer,
  FootnoteReferenceRun,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  TableOfContents,
  TextRun,
} from 'docx';
import { BIBLIOGRAPHY_HEADING, type ExportBook } from './export-model.js';

/**
 * The Word export, with the `docx` package: a title page, a table of contents field,
 * parts in Word's Heading 1 style and sections in Heading 2 (so Word's navigation pane
 * and the contents field find them), citations as real footnotes, the bibliography last
 * and page numbers in the footer. The contents field is written with an entry per
 * heading and marked dirty: Word fills in the page numbers when it opens the file (it
 * asks first); until then the entries are there, linked, without numbers.
 */

/** Page sizes in twentieths of a point. */
const PAGE_SIZES = {
  A4: { width: 11_906, height: 16_838 },
  LETTER: { width: 12_240, height: 15_840 },
} as const;

export async function renderDocx(book: ExportBook, options: { pageSize: keyof typeof PAGE_SIZES }): Promise<Buffer> {
  const footnotes: Record<string, { children: Paragraph[] }> = {};
  for (const part of book.parts) {
    for (const note of part.notes) footnotes[String(note.number)] = { children: [new Paragraph({ text: note.text })] };
  }

  const titlePage: Paragraph[] = [
    new Paragraph({ text: book.title, heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, spacing: { before: 3_600 } }),
  ];
  if (book.subtitle) {
    titlePage.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { before: 240 },
        children: [new TextRun({ text: book.subtitle, italics: true, size: 32 })],
      }),
    );
  }
  if (book.author) {
    titlePage.push(
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { before: 720 },
        children: [new TextRun({ text: book.author, size: 28 })],
      }),
    );
  }

  const body: (Paragraph | TableOfContents)[] = [
    // Not a heading: the contents would list itself. The section break starts its page.
    new Paragraph({ spacing: { after: 240 }, children: [new TextRun({ text: 'Contents', bold: true, size: 32 })] }),
    new TableOfContents('Contents', { hyperlink: true, headingStyleRange: '1-2' }),
  ];
  for (const part of book.parts) {
    body.push(new Paragraph({ text: part.heading, heading: HeadingLevel.HEADING_1, pageBreakBefore: true }));
    for (const section of part.sections) {
      body.push(new Paragraph({ text: section.heading, heading: HeadingLevel.HEADING_2 }));
      for (const paragraph of section.paragraphs) {
        body.push(
          new Paragraph({
            alignment: AlignmentType.JUSTIFIED,
            spacing: { after: 160, line: 300 },
            children: [new TextRun(paragraph.text), ...paragraph.notes.map((n) => new FootnoteReferenceRun(n))],
          }),
        );
      }
    }
  }
  body.push(new Paragraph({ text: BIBLIOGRAPHY_HEADING, heading: HeadingLevel.HEADING_1, pageBreakBefore: true }));
  for (const entry of book.bibliography) {
    body.push(
      new Paragraph({
        spacing: { after: 120 },
        indent: { left: 720, hanging: 720 },
        children: [
          new TextRun({ text: `[${entry.sourceId}]\t`, bold: true }),
          new TextRun(entry.text),
          ...(entry.url ? [new TextRun(` ${entry.url}`)] : []),
        ],
      }),
    );
  }

  const page = { size: PAGE_SIZES[options.pageSize], margin: { top: 1_440, bottom: 1_440, left: 1_440, right: 1_440 } };
  const doc = new Document({
    title: book.title,
    ...(book.author ? { creator: book.author } : {}),
    ...(book.subtitle ? { description: book.subtitle } : {}),
    features: { updateFields: true },
    footnotes,
    sections: [
      // The title page has no page number; the rest counts on from it.
      { properties: { page }, children: titlePage },
      {
        properties: { page },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT] })] })],
          }),
        },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
