/**
 * The chat writer: a part (chapter, introduction, conclusion) and the outline's titles
 * written by an OpenAI-compatible chat model with json_schema structured output, from
 * the same material the offline composer uses (`materialFor`: the planner's passage
 * assignment). The prompt hands the model those passages, the target length and, on a
 * rewrite, the failed reports; the answer is checked by the same self-check as the
 * offline path (writeChecked), so a quote the model made up fails QUOTE_NOT_FOUND and
 * the part is rewritten with that report as feedback, within the same job.
 *
 * Not here: transport, retries and error classes — the ChatClient (@reelay/ai-providers)
 * turns a 429 with Retry-After into RetryAfterError (no attempt spent) and a 400 into a
 * permanent failure; the worker settles both.
 */
import type { BookChapter, BookOutline, BookValidationReport } from '@reelay/contracts';
import type { ChatClient } from '@reelay/ai-providers';
import { z } from 'zod';
import { partWords } from '../validation/length-check.js';
import type { MaterialGroup } from './compose-part.js';
import { materialFor, type PartRequest, type PartWriter } from './part-writer.js';
import type { Corpus } from './source-corpus.js';
import { assignPassages, type TopicModel } from './topic-model.js';

/** The part as the model must answer it: the document model's sections, every citation with its quote. */
const PartAnswer = z.object({
  sections: z
    .array(
      z.object({
        heading: z.string().min(1),
        paragraphs: z
          .array(
            z.object({
              text: z.string().min(1),
              citations: z.array(z.object({ sourceId: z.string(), quote: z.string() })),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});

/** The outline's wording: the planner keeps the structure (chapters, passages, targets). */
const OutlineAnswer = z.object({
  chapters: z.array(z.object({ number: z.number().int(), title: z.string().min(1), summary: z.string() })),
});

const SYSTEM = [
  'You write one part of a non-fiction book, using only the source passages you are given.',
  'Every paragraph that states a fact (a name, a place, a date, a figure) cites the source it rests on:',
  "its sourceId is the passage's source attribute and its quote is a whole sentence copied verbatim from that passage.",
  'Never cite a source you were not given and never alter a quote. Write plain prose without Markdown,',
  'sentences under 40 words, paragraphs under 200 words, and give every section its own distinct heading.',
].join(' ');

export class ChatWriter implements PartWriter {
  readonly name = 'openai-compatible' as const;

  constructor(private readonly chat: ChatClient) {}

  get model(): string {
    return this.chat.providerModel;
  }

  async write(request: PartRequest, feedback: readonly BookValidationReport[], signal: AbortSignal): Promise<BookChapter> {
    const { data } = await this.chat.complete({
      name: 'book_part',
      system: SYSTEM,
      user: partPrompt(request, materialFor(request), feedback),
      schema: PartAnswer,
      signal,
      temperature: 0.4,
    });
    const part: BookChapter = { kind: request.kind, number: request.number, title: request.title, sections: data.sections, words: 0 };
    // The count is ours, not the model's: length-check compares it with the paragraphs.
    return { ...part, words: partWords(part) };
  }

  /** The planned outline reworded by the model: titles and summaries; numbers, sources and targets stay the plan's. */
  async wordOutline(outline: BookOutline, corpus: Corpus, model: TopicModel, signal: AbortSignal): Promise<BookOutline> {
    const assignment = assignPassages(corpus, model, outline);
    const chapters = outline.chapters.map((c) => {
      const passages = (assignment.byChapter.get(c.number) ?? []).map((i) => corpus.passages[i]!);
      return [
        `<chapter number="${c.number}" keywords="${(c.keywords ?? []).join(', ')}">`,
        `Planned title: ${c.title}`,
        ...passages.slice(0, 4).map((p) => `<passage source="${p.sourceId}">${p.text}</passage>`),
        '</chapter>',
      ].join('\n');
    });
    const { data } = await this.chat.complete({
      name: 'book_outline',
      system: 'You title and summarise the chapters of a non-fiction book planned from source passages. Use only what the passages say.',
      user: [
        `<title>${outline.title}</title>`,
        'Give each chapter (by its number) a short title and a one-sentence summary of its passages.',
        ...chapters,
      ].join('\n'),
      schema: OutlineAnswer,
      signal,
      temperature: 0.4,
    });
    const worded = new Map(data.chapters.map((c) => [c.number, c]));
    return {
      ...outline,
      chapters: outline.chapters.map((c) => {
        const w = worded.get(c.number);
        return w ? { ...c, title: w.title, summary: w.summary } : c;
      }),
    };
  }
}

/** The user message: what to write, how long, from which passages, and what was wrong last time. */
export function partPrompt(request: PartRequest, groups: readonly MaterialGroup[], feedback: readonly BookValidationReport[]): string {
  const { outline } = request;
  const what =
    request.kind === 'chapter'
      ? `chapter ${request.number} of ${outline.chapters.length}: ${outline.chapters.find((c) => c.number === request.number)?.summary ?? ''}`
      : `the ${request.kind} of the book, drawing the chapters together: ${outline.chapters.map((c) => c.title).join('; ')}`;
  const lines = [
    `<title>${request.title}</title>`,
    `Book: ${outline.title}${outline.subtitle ? ` — ${outline.subtitle}` : ''}.`,
    `Write ${what}`,
    `Length: about ${request.targetWords} words in all paragraphs together (within 10%).`,
    'Source passages (cite by the source attribute; quote whole sentences verbatim):',
  ];
  for (const group of groups) {
    // The passage's own sentences in reading order: the candidates are ranked by match.
    const byPassage = new Map<number, { sourceId: string; sentences: { position: number; text: string }[] }>();
    for (const c of group.sentences) {
      const entry = byPassage.get(c.passage.index) ?? { sourceId: c.passage.sourceId, sentences: [] };
      entry.sentences.push({ position: c.position, text: c.sentence.text });
      byPassage.set(c.passage.index, entry);
    }
    for (const [, p] of [...byPassage].sort((a, b) => a[0] - b[0])) {
      const text = p.sentences
        .sort((a, b) => a.position - b.position)
        .map((s) => s.text)
        .join(' ');
      lines.push(`<passage source="${p.sourceId}">${text}</passage>`);
    }
  }
  const failed = feedback.filter((r) => !r.passed);
  if (failed.length) {
    lines.push('Your previous draft failed these checks; fix every point:');
    for (const report of failed) {
      for (const reason of report.reasons)
        lines.push(`- ${report.check} ${reason.code}${reason.where ? ` (${reason.where})` : ''}: ${reason.message}`);
    }
  }
  return lines.join('\n');
}
