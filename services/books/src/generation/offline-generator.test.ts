import type { BookChapter, BookOutline } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { darwinSources } from '../../test/fixtures/darwin-sources.js';
import { checkBook } from '../validation/book-check.js';
import { checkLength } from '../validation/length-check.js';
import { checkSources } from '../validation/sources-check.js';
import { OfflineWriter, type PartRequest, selfCheck, writeChecked, writtenTextOf } from './part-writer.js';
import { planOutline } from './plan-outline.js';
import { buildCorpus, type SourceText } from './source-corpus.js';
import { topicModel } from './topic-model.js';

const texts: SourceText[] = darwinSources.map((s) => ({ id: s.id, title: s.title, author: s.author, text: s.text! }));
const signal = new AbortController().signal;

function setup(chapters = 3, wordsPerChapter = 600) {
  const corpus = buildCorpus(texts);
  const model = topicModel(corpus);
  const { outline } = planOutline(corpus, model, { title: 'Darwin', chapters, wordsPerChapter });
  return { corpus, model, outline };
}

async function writeBook(outline: BookOutline, frameWords = 250) {
  const { corpus, model } = setup();
  const writer = new OfflineWriter();
  const request = (kind: PartRequest['kind'], number: number, title: string, targetWords: number, writtenText?: string): PartRequest => ({
    kind,
    number,
    title,
    targetWords,
    outline,
    corpus,
    model,
    ...(writtenText === undefined ? {} : { writtenText }),
  });
  const chapters: BookChapter[] = [];
  for (const c of outline.chapters) {
    chapters.push(
      (await writeChecked(writer, request('chapter', c.number, c.title, c.targetWords), { maxRegenerations: 2, feedback: [], signal }))
        .part,
    );
  }
  const introduction = (
    await writeChecked(writer, request('introduction', 0, 'Introduction', frameWords, writtenTextOf(chapters)), {
      maxRegenerations: 2,
      feedback: [],
      signal,
    })
  ).part;
  const conclusion = (
    await writeChecked(writer, request('conclusion', 0, 'Conclusion', frameWords, writtenTextOf([...chapters, introduction])), {
      maxRegenerations: 2,
      feedback: [],
      signal,
    })
  ).part;
  return { chapters, introduction, conclusion };
}

describe('the offline outline', () => {
  it('plans one chapter per topic, each with its sources, keywords and target', () => {
    const { outline } = setup();
    expect(outline.chapters).toHaveLength(3);
    for (const c of outline.chapters) {
      expect(c.sourceIds.length).toBeGreaterThan(0);
      expect(c.keywords?.length).toBeGreaterThan(3);
      expect(c.targetWords).toBe(600);
    }
    expect(new Set(outline.chapters.map((c) => c.title)).size).toBe(3);
  });

  it('refuses sources too thin for the book asked, permanently, saying why', () => {
    const corpus = buildCorpus(texts);
    expect(() => planOutline(corpus, topicModel(corpus), { title: 'Darwin', chapters: 8, wordsPerChapter: 2_000 })).toThrow(
      /sources too thin/,
    );
  });
});

describe('the offline composer', () => {
  it('writes every chapter within ±10% of its target, every citation quoting its source verbatim', async () => {
    const { outline } = setup();
    const { chapters } = await writeBook(outline);
    for (const chapter of chapters) {
      const length = checkLength(chapter, 600);
      expect(length.passed, JSON.stringify(length)).toBe(true);
      expect(chapter.words).toBeGreaterThanOrEqual(540);
      expect(chapter.words).toBeLessThanOrEqual(660);
      const sources = checkSources(chapter, texts);
      expect(sources.passed, JSON.stringify(sources.reasons)).toBe(true);
      expect(sources.metrics.citations).toBeGreaterThan(3);
      expect(chapter.sections.length).toBeGreaterThan(1);
      for (const s of chapter.sections) expect(s.heading.trim()).not.toBe('');
      for (const [, report] of selfCheck(chapter, 600, texts).entries()) expect(report.passed, JSON.stringify(report.reasons)).toBe(true);
    }
  });

  it('writes the same book from the same sources, every time', async () => {
    const a = await writeBook(setup().outline);
    const b = await writeBook(setup().outline);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('uses no passage twice: the whole book, introduction and conclusion included, passes the duplicate check', async () => {
    const { outline } = setup();
    const { chapters, introduction, conclusion } = await writeBook(outline);
    const report = checkBook({
      introduction,
      chapters,
      conclusion,
      expectedChapters: 3,
      targetWordsPerChapter: 600,
      tolerance: 0.1,
      shingleWords: 8,
    });
    expect(report.passed, JSON.stringify(report.reasons)).toBe(true);
    expect(report.metrics.duplicatedPassages).toBe(0);
    expect(checkSources(introduction, texts).passed).toBe(true);
    expect(checkLength(conclusion, 250).passed).toBe(true);
  });

  it('fails a chapter whose material cannot reach the target, rather than padding it', async () => {
    const { corpus, model, outline } = setup();
    const big = { ...outline, chapters: outline.chapters.map((c) => ({ ...c, targetWords: 5_000 })) };
    const c = big.chapters[0]!;
    await expect(
      writeChecked(
        new OfflineWriter(),
        { kind: 'chapter', number: c.number, title: c.title, targetWords: 5_000, outline: big, corpus, model },
        { maxRegenerations: 1, feedback: [], signal },
      ),
    ).rejects.toThrow(/sources too thin/);
  });
});
