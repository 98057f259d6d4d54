/**
 * The book-validation queue's handlers. Each reads the part(s) from their artifacts and
 * answers with a report; with `failOnError` a failed report also fails the job
 * (OUTPUT_CHECK_FAILED, permanent, the report in the error's details), which is how a
 * workflow stops on a part that does not hold up.
 */
import { type BookValidationReport, bookTasks, ErrorCode } from '@reelay/contracts';
import { implementTask, PermanentError, type TaskImplementation } from '@reelay/runtime';
import { loadSources, readChapterArtifact } from '../chapter-artifacts.js';
import { checkBook } from './book-check.js';
import { checkLength } from './length-check.js';
import { checkQuality } from './quality-check.js';
import { checkSources } from './sources-check.js';

export function validationTaskImplementations(): TaskImplementation[] {
  return [
    implementTask(bookTasks['book.validate-length'], async (input, ctx) => {
      const part = await readChapterArtifact(ctx.artifacts, input.chapter);
      return settle(checkLength(part, input.targetWords, input.tolerance), input.failOnError);
    }),
    implementTask(bookTasks['book.validate-sources'], async (input, ctx) => {
      const [part, sources] = await Promise.all([
        readChapterArtifact(ctx.artifacts, input.chapter),
        loadSources(ctx.artifacts, input.sources),
      ]);
      return settle(checkSources(part, sources), input.failOnError);
    }),
    implementTask(bookTasks['book.validate-quality'], async (input, ctx) => {
      const part = await readChapterArtifact(ctx.artifacts, input.chapter);
      return settle(checkQuality(part, { minReadingEase: input.minReadingEase }), input.failOnError);
    }),
    implementTask(bookTasks['book.validate-book'], async (input, ctx) => {
      const read = (id: string | undefined) => (id === undefined ? Promise.resolve(undefined) : readChapterArtifact(ctx.artifacts, id));
      const [introduction, conclusion, chapters] = await Promise.all([
        read(input.introduction),
        read(input.conclusion),
        Promise.all(input.chapters.map((id) => readChapterArtifact(ctx.artifacts, id))),
      ]);
      const report = checkBook({
        introduction,
        conclusion,
        chapters,
        expectedChapters: input.expectedChapters,
        targetWordsPerChapter: input.targetWordsPerChapter,
        tolerance: input.tolerance,
        shingleWords: input.shingleWords,
      });
      return settle(report, input.failOnError);
    }),
  ];
}

function settle(report: BookValidationReport, failOnError: boolean): BookValidationReport {
  if (failOnError && !report.passed) {
    throw new PermanentError(
      `book.validate-${report.check === 'book' ? 'book' : report.check} failed: ${report.reasons.map((r) => r.code).join(', ')}`,
      {
        code: ErrorCode.OUTPUT_CHECK_FAILED,
        details: { report },
      },
    );
  }
  return report;
}
