/**
 * Writing a part and checking it in the same job: the writer composes, the part is run
 * through the same checks the validation tasks use (length, sources, quality), and a
 * part that fails is rewritten with the failed reports as feedback, at most
 * `maxRegenerations` times. A part still failing after that fails the job permanently
 * (OUTPUT_CHECK_FAILED, the reports in its details): a rewrite cannot be waited for in
 * another job, and a workflow should stop on a chapter that does not hold up.
 */
import {
  type BookChapter,
  type BookOutline,
  type BookPartKind,
  type BookValidationReport,
  type BookWriterName,
  ErrorCode,
} from '@reelay/contracts';
import { PermanentError } from '@reelay/runtime';
import { checkLength } from '../validation/length-check.js';
import { checkQuality } from '../validation/quality-check.js';
import { checkSources } from '../validation/sources-check.js';
import {
  type Adjustments,
  type Candidate,
  candidatesFrom,
  composePart,
  DEFAULT_ADJUSTMENTS,
  fingerprint,
  type MaterialGroup,
} from './compose-part.js';
import type { Corpus, SourceText } from './source-corpus.js';
import { assignPassages, chapterVector, cosine, type TopicModel } from './topic-model.js';

export interface PartRequest {
  kind: BookPartKind;
  number: number;
  title: string;
  targetWords: number;
  outline: BookOutline;
  corpus: Corpus;
  model: TopicModel;
  /** For the introduction and conclusion: the text of the parts already written. */
  writtenText?: string;
}

export interface PartWriter {
  readonly name: BookWriterName;
  readonly model?: string | undefined;
  write(request: PartRequest, feedback: readonly BookValidationReport[], signal: AbortSignal): Promise<BookChapter>;
  /** Rewords the planned outline (titles, summaries); absent: the plan's own wording stands. */
  wordOutline?(outline: BookOutline, corpus: Corpus, model: TopicModel, signal: AbortSignal): Promise<BookOutline>;
}

export interface CheckedPart {
  part: BookChapter;
  validation: BookValidationReport[];
  regenerations: number;
}

export const DEFAULT_MIN_READING_EASE = 30;

export function selfCheck(part: BookChapter, targetWords: number, sources: readonly SourceText[]): BookValidationReport[] {
  return [checkLength(part, targetWords), checkSources(part, sources), checkQuality(part, { minReadingEase: DEFAULT_MIN_READING_EASE })];
}

export async function writeChecked(
  writer: PartWriter,
  request: PartRequest,
  options: { maxRegenerations: number; feedback: readonly BookValidationReport[]; signal: AbortSignal; onTry?: (n: number) => void },
): Promise<CheckedPart> {
  const feedback = [...options.feedback];
  let last: CheckedPart | undefined;
  for (let attempt = 0; attempt <= options.maxRegenerations; attempt++) {
    options.signal.throwIfAborted();
    options.onTry?.(attempt);
    const part = await writer.write(request, feedback, options.signal);
    const validation = selfCheck(part, request.targetWords, request.corpus.sources);
    last = { part, validation, regenerations: attempt };
    if (validation.every((r) => r.passed)) return last;
    feedback.push(...validation.filter((r) => !r.passed));
  }
  const failed = last!.validation.filter((r) => !r.passed);
  throw new PermanentError(
    `the ${request.kind === 'chapter' ? `chapter ${request.number}` : request.kind} still fails its checks after ${options.maxRegenerations} rewrites: ${failed
      .flatMap((r) => r.reasons.map((x) => x.code))
      .join(', ')}`,
    { code: ErrorCode.OUTPUT_CHECK_FAILED, details: { validation: failed } },
  );
}

/** What failed reports change in the offline composer's next try. */
export function adjustmentsFrom(feedback: readonly BookValidationReport[]): Adjustments {
  const a: Adjustments = { ...DEFAULT_ADJUSTMENTS };
  for (const report of feedback) {
    for (const reason of report.reasons) {
      switch (reason.code) {
        case 'LENGTH_SHORT':
        case 'LENGTH_LONG': {
          const words = report.metrics.words;
          const target = report.metrics.target;
          if (words && target) a.lengthScale *= target / words;
          break;
        }
        case 'READABILITY_LOW':
          a.maxSentenceWords = Math.min(
            a.maxSentenceWords ?? 30,
            Math.max(12, Math.round((report.metrics.averageWordsPerSentence ?? 25) * 0.8)),
          );
          break;
        case 'SENTENCE_TOO_LONG':
          a.maxSentenceWords = Math.min(a.maxSentenceWords ?? 40, 40);
          break;
        case 'PARAGRAPH_TOO_LONG':
          a.paragraphWords = Math.min(a.paragraphWords, 90);
          break;
        case 'REPEATED_SENTENCE':
        case 'REPETITIVE':
          a.strictRepetition = true;
          break;
      }
    }
  }
  return a;
}

/** The offline writer: extractive composition from the part's own material. */
export class OfflineWriter implements PartWriter {
  readonly name = 'offline-extractive' as const;
  readonly model = undefined;

  async write(request: PartRequest, feedback: readonly BookValidationReport[]): Promise<BookChapter> {
    return composePart(request.corpus, request.model, {
      kind: request.kind,
      number: request.number,
      title: request.title,
      targetWords: request.targetWords,
      groups: materialFor(request),
      adjustments: adjustmentsFrom(feedback),
    });
  }
}

/**
 * The material a part may use. A chapter: the passages the assignment gives it. The
 * introduction and conclusion: every passage, grouped under the chapter it belongs to
 * (a passage no chapter took goes to the one it matches best), less every sentence the
 * written parts already contain.
 */
export function materialFor(request: PartRequest): MaterialGroup[] {
  const { corpus, model, outline } = request;
  const assignment = assignPassages(corpus, model, outline);
  const vectors = outline.chapters.map((c) => chapterVector(c.keywords ?? [], `${c.title} ${c.summary}`, model.idf));
  const group = (j: number, candidates: Candidate[]): MaterialGroup => ({
    chapter: outline.chapters[j]!.number,
    chapterTitle: outline.chapters[j]!.title,
    vector: vectors[j]!,
    keywords: outline.chapters[j]!.keywords ?? [],
    sentences: candidates,
  });
  if (request.kind === 'chapter') {
    const j = outline.chapters.findIndex((c) => c.number === request.number);
    const passages = (assignment.byChapter.get(request.number) ?? []).map((i) => corpus.passages[i]!);
    return [group(j, candidatesFrom(passages, model, vectors[j]!))];
  }
  const written = request.writtenText ?? '';
  const exclude = new Set<string>();
  for (const p of corpus.passages) for (const s of p.sentences) if (written.includes(fingerprint(s.text))) exclude.add(fingerprint(s.text));
  const extra = new Map<number, number[]>();
  for (const i of assignment.unassigned) {
    let best = 0;
    vectors.forEach((v, j) => {
      if (cosine(model.vectors[i]!, v) > cosine(model.vectors[i]!, vectors[best]!)) best = j;
    });
    extra.set(best, [...(extra.get(best) ?? []), i]);
  }
  return outline.chapters.map((c, j) => {
    const indexes = [...(assignment.byChapter.get(c.number) ?? []), ...(extra.get(j) ?? [])];
    return group(
      j,
      candidatesFrom(
        indexes.map((i) => corpus.passages[i]!),
        model,
        vectors[j]!,
        exclude,
      ),
    );
  });
}

/** The written parts' paragraphs as one lower-case word string, for `writtenText`. */
export function writtenTextOf(parts: readonly BookChapter[]): string {
  return parts.flatMap((p) => p.sections.flatMap((s) => s.paragraphs.map((x) => fingerprint(x.text)))).join(' | ');
}
