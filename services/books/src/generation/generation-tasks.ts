/**
 * The book-generation queue's handlers: book.outline, book.chapter, book.regenerate,
 * book.chapters, book.introduction and book.conclusion. Each loads the sources, builds
 * the corpus and topic model (cheap, and the same for the same sources in every job),
 * writes its part with the self-check loop and stores it as a chapter artifact.
 */
import { type BookChapter, type BookOutline, type BookPartSummary, bookTasks, ErrorCode, type OutlineChapter } from '@reelay/contracts';
import { implementTask, type JobContext, PermanentError, type TaskImplementation } from '@reelay/runtime';
import { setImmediate } from 'node:timers/promises';
import { loadSources, readChapterArtifact, writeChapterArtifact } from '../chapter-artifacts.js';
import { type CheckedPart, type PartWriter, writeChecked, writtenTextOf } from './part-writer.js';
import { planOutline } from './plan-outline.js';
import { buildCorpus, type Corpus } from './source-corpus.js';
import { type TopicModel, topicModel } from './topic-model.js';

export interface GenerationDeps {
  writer: PartWriter;
}

export function generationTaskImplementations(deps: GenerationDeps): TaskImplementation[] {
  const { writer } = deps;
  return [
    implementTask(bookTasks['book.outline'], async (input, ctx) => {
      const { corpus, model } = await prepare(ctx, input.sources);
      const plan = planOutline(corpus, model, input);
      if (!writer.wordOutline) return { ...plan, writer: writer.name };
      const outline = await writer.wordOutline(plan.outline, corpus, model, ctx.signal);
      return { ...plan, outline, writer: writer.name, ...(writer.model ? { model: writer.model } : {}) };
    }),
    implementTask(bookTasks['book.chapter'], async (input, ctx) => {
      const { corpus, model } = await prepare(ctx, input.sources);
      return writeChapter(
        writer,
        ctx,
        { corpus, model, outline: input.outline, chapter: outlineChapter(input.outline, input.number) },
        input,
      );
    }),
    implementTask(bookTasks['book.regenerate'], async (input, ctx) => {
      const { corpus, model } = await prepare(ctx, input.sources);
      if (input.previous) ctx.log.info({ previous: input.previous }, 'rewriting a chapter against its report');
      return writeChapter(
        writer,
        ctx,
        { corpus, model, outline: input.outline, chapter: outlineChapter(input.outline, input.number) },
        input,
      );
    }),
    implementTask(bookTasks['book.chapters'], async (input, ctx) => {
      const { corpus, model } = await prepare(ctx, input.sources);
      const numbers = input.numbers ?? input.outline.chapters.map((c) => c.number);
      const chapters: BookPartSummary[] = [];
      for (const [i, number] of numbers.entries()) {
        const chapter = outlineChapter(input.outline, number);
        ctx.progress((100 * i) / numbers.length, `chapter ${i + 1} of ${numbers.length}: ${chapter.title}`);
        chapters.push(
          await writeChapter(
            writer,
            ctx,
            { corpus, model, outline: input.outline, chapter },
            { maxRegenerations: input.maxRegenerations, feedback: [] },
            false,
          ),
        );
        await setImmediate(); // let in-progress acks and cancellations through between chapters
      }
      return { chapters, words: chapters.reduce((n, c) => n + c.words, 0) };
    }),
    implementTask(bookTasks['book.introduction'], async (input, ctx) => writeFrame(writer, ctx, 'introduction', input)),
    implementTask(bookTasks['book.conclusion'], async (input, ctx) => writeFrame(writer, ctx, 'conclusion', input)),
  ];
}

async function prepare(ctx: JobContext, sources: Parameters<typeof loadSources>[1]): Promise<{ corpus: Corpus; model: TopicModel }> {
  const corpus = buildCorpus(await loadSources(ctx.artifacts, sources));
  return { corpus, model: topicModel(corpus) };
}

function outlineChapter(outline: BookOutline, number: number): OutlineChapter {
  const chapter = outline.chapters.find((c) => c.number === number);
  if (!chapter) throw new PermanentError(`the outline has no chapter ${number}`, { code: ErrorCode.INVALID_INPUT });
  return chapter;
}

interface ChapterJob {
  corpus: Corpus;
  model: TopicModel;
  outline: BookOutline;
  chapter: OutlineChapter;
}

async function writeChapter(
  writer: PartWriter,
  ctx: JobContext,
  job: ChapterJob,
  options: { maxRegenerations: number; feedback: BookPartSummary['validation'] },
  reportProgress = true,
): Promise<BookPartSummary> {
  const { chapter } = job;
  const checked = await writeChecked(
    writer,
    {
      kind: 'chapter',
      number: chapter.number,
      title: chapter.title,
      targetWords: chapter.targetWords,
      outline: job.outline,
      corpus: job.corpus,
      model: job.model,
    },
    {
      maxRegenerations: options.maxRegenerations,
      feedback: options.feedback,
      signal: ctx.signal,
      onTry: (n) =>
        reportProgress &&
        ctx.progress(10 + 20 * n, n === 0 ? `writing chapter ${chapter.number}` : `rewriting chapter ${chapter.number} (${n})`),
    },
  );
  return summarize(ctx, writer, checked);
}

async function writeFrame(
  writer: PartWriter,
  ctx: JobContext,
  kind: 'introduction' | 'conclusion',
  input: {
    outline: BookOutline;
    sources: Parameters<typeof loadSources>[1];
    writtenParts: string[];
    targetWords: number;
    maxRegenerations: number;
  },
): Promise<BookPartSummary> {
  const { corpus, model } = await prepare(ctx, input.sources);
  const written: BookChapter[] = await Promise.all(input.writtenParts.map((id) => readChapterArtifact(ctx.artifacts, id)));
  const title = kind === 'introduction' ? 'Introduction' : 'Conclusion';
  const checked = await writeChecked(
    writer,
    { kind, number: 0, title, targetWords: input.targetWords, outline: input.outline, corpus, model, writtenText: writtenTextOf(written) },
    {
      maxRegenerations: input.maxRegenerations,
      feedback: [],
      signal: ctx.signal,
      onTry: (n) => ctx.progress(10 + 20 * n, `writing the ${kind}`),
    },
  );
  return summarize(ctx, writer, checked);
}

async function summarize(ctx: JobContext, writer: PartWriter, checked: CheckedPart): Promise<BookPartSummary> {
  const { part } = checked;
  const artifact = await writeChapterArtifact(ctx.artifacts, part);
  const summary: BookPartSummary = {
    artifact,
    kind: part.kind,
    number: part.number,
    title: part.title,
    words: part.words,
    sections: part.sections.length,
    paragraphs: part.sections.reduce((n, s) => n + s.paragraphs.length, 0),
    citations: part.sections.reduce((n, s) => n + s.paragraphs.reduce((m, p) => m + p.citations.length, 0), 0),
    validation: checked.validation,
    regenerations: checked.regenerations,
    writer: writer.name,
  };
  if (writer.model) summary.model = writer.model;
  return summary;
}
