import type { BookChapter, BookSourceRef } from '@reelay/contracts';

/**
 * A small book for the export tests: an introduction, three chapters and a conclusion,
 * with sections, cited paragraphs (quotes, a source cited twice in one paragraph, text
 * outside Latin-1) and enough prose that chapters run over a page.
 */

export const SOURCES: BookSourceRef[] = [
  {
    id: 'S1',
    title: 'Sketch of the Analytical Engine',
    author: 'L. F. Menabrea, translated by Ada Lovelace',
    url: 'https://example.org/sketch',
  },
  { id: 'S2', title: 'Passages from the Life of a Philosopher', author: 'Charles Babbage' },
  { id: 'S3', title: 'Letters of Ada Byron, Countess of Lovelace', url: 'https://example.org/letters_1843' },
];

const FILLER = [
  'The engine was never finished in its maker’s lifetime, yet its design was complete enough to be reasoned about in detail.',
  'Contemporaries saw a calculating machine; she saw a device that could act upon any objects whose relations could be expressed symbolically.',
  'Her notes ran to nearly three times the length of the paper they accompanied, and they were signed only with her initials.',
  'The correspondence with Babbage shows a collaborator who argued, corrected and insisted on precision.',
  'Historians still debate how much of the program in Note G was hers, but the reasoning around it is unmistakably her own.',
  'What matters for this account is less priority than the idea: that a machine might manipulate symbols as well as numbers.',
];

function prose(seed: number, sentences: number): string {
  return Array.from({ length: sentences }, (_, i) => FILLER[(seed + i) % FILLER.length]).join(' ');
}

function words(chapter: Omit<BookChapter, 'words'>): BookChapter {
  const count = chapter.sections.flatMap((s) => s.paragraphs).reduce((n, p) => n + p.text.trim().split(/\s+/).length, 0);
  return { ...chapter, words: count };
}

export const INTRODUCTION: BookChapter = words({
  kind: 'introduction',
  number: 0,
  title: 'Introduction',
  sections: [
    {
      heading: 'Why Ada Lovelace',
      paragraphs: [
        { text: `Ada Lovelace is remembered as the first programmer. ${prose(0, 4)}`, citations: [{ sourceId: 'S1' }] },
        { text: prose(2, 5), citations: [] },
      ],
    },
  ],
});

export const CHAPTERS: BookChapter[] = [
  words({
    kind: 'chapter',
    number: 1,
    title: 'A Poetical Science',
    sections: [
      {
        heading: 'Childhood and Mathematics',
        paragraphs: [
          {
            text: `Her mother insisted on mathematics as a cure for poetry — «une discipline», as a tutor put it. ${prose(1, 6)}`,
            citations: [{ sourceId: 'S3', quote: 'I am more than ever now the bride of science.' }, { sourceId: 'S2' }],
          },
          { text: prose(3, 6), citations: [{ sourceId: 'S2' }, { sourceId: 'S2' }] },
          { text: prose(4, 7), citations: [] },
        ],
      },
      {
        heading: 'Meeting Babbage',
        paragraphs: [
          {
            text: `In 1833 she saw the Difference Engine demonstrated. ${prose(5, 6)}`,
            citations: [{ sourceId: 'S2', quote: 'a small portion of the engine' }],
          },
          { text: prose(0, 8), citations: [] },
        ],
      },
    ],
  }),
  words({
    kind: 'chapter',
    number: 2,
    title: 'The Notes',
    sections: [
      {
        heading: 'Translating Menabrea',
        paragraphs: [
          {
            text: `The translation appeared in 1843. ${prose(2, 7)}`,
            citations: [{ sourceId: 'S1', quote: 'The Analytical Engine weaves algebraical patterns.' }],
          },
          { text: prose(1, 8), citations: [] },
          { text: prose(3, 8), citations: [{ sourceId: 'S3' }] },
        ],
      },
      {
        heading: 'Note G and the Bernoulli Numbers',
        paragraphs: [
          { text: `Note G sets out a table of operations for the Bernoulli numbers. ${prose(4, 8)}`, citations: [{ sourceId: 'S1' }] },
          { text: prose(5, 8), citations: [] },
          { text: prose(0, 8), citations: [{ sourceId: 'S2' }] },
        ],
      },
    ],
  }),
  words({
    kind: 'chapter',
    number: 3,
    title: 'Afterlives',
    sections: [
      {
        heading: 'Rediscovery',
        paragraphs: [
          { text: `Turing answered “Lady Lovelace’s Objection” in 1950. ${prose(1, 6)}`, citations: [{ sourceId: 'S1' }] },
          { text: prose(2, 6), citations: [] },
        ],
      },
    ],
  }),
];

export const CONCLUSION: BookChapter = words({
  kind: 'conclusion',
  number: 0,
  title: 'Conclusion',
  sections: [{ heading: 'The Idea That Lasted', paragraphs: [{ text: prose(3, 5), citations: [{ sourceId: 'S3' }] }] }],
});

export const BOOK = {
  title: 'The Enchantress of Numbers',
  subtitle: 'A Short Life of Ada Lovelace',
  author: 'Reelay Books',
  sources: SOURCES,
};

/** Words of body text in the whole book, as the exports count them. */
export const TOTAL_WORDS = [INTRODUCTION, ...CHAPTERS, CONCLUSION].reduce((n, c) => n + c.words, 0);
