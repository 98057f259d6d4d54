import { type BookPresetBody, BookPresetBody as BookPresetSchema, ref, type WorkflowSpec, type WorkflowStep } from '@reelay/contracts';

/**
 * The `book` preset as a plain workflow. Pure; the caller has already moved inline
 * source texts into artifacts (a book's sources are tens of kilobytes, and every step
 * that reads them names them).
 *
 *   outline → chapter-1…N (chapter k waits for chapter k − batchSize: at most batchSize
 *   at once) → per chapter validate-k-length/-sources/-quality → introduction (avoiding
 *   the chapters' material) → conclusion (avoiding the chapters' and introduction's)
 *   → validate-book → export (Markdown, Word, PDF) → publish per target.
 *
 * Regeneration on failure happens inside each book.chapter job (it self-checks with the
 * same checks and rewrites with the report as feedback, up to maxRegenerations): a
 * handler never waits on another job. The validate steps report each chapter and, with
 * failOnError, stop the workflow on one that does not hold up.
 */
export function expandBookPreset(body: BookPresetBody): WorkflowSpec {
  const preset = BookPresetSchema.parse(body);
  const n = preset.chapters;
  const chapterIds = Array.from({ length: n }, (_, i) => `chapter-${i + 1}`);
  const chapterArtifacts = chapterIds.map((id) => ref(id, 'artifact.id'));
  const outline = ref('outline', 'outline');
  const common = { sources: preset.sources, maxRegenerations: preset.maxRegenerations };
  const validations: string[] = [];
  const steps: WorkflowStep[] = [
    {
      id: 'outline',
      type: 'book.outline',
      input: {
        title: preset.title,
        ...(preset.subtitle ? { subtitle: preset.subtitle } : {}),
        sources: preset.sources,
        chapters: n,
        wordsPerChapter: preset.wordsPerChapter,
      },
    },
    ...chapterIds.map(
      (id, i): WorkflowStep => ({
        id,
        type: 'book.chapter',
        dependsOn: ['outline', ...(i >= preset.batchSize ? [chapterIds[i - preset.batchSize]!] : [])],
        input: { outline, number: i + 1, ...common },
      }),
    ),
    ...chapterIds.flatMap((id, i): WorkflowStep[] => {
      const chapter = chapterArtifacts[i];
      const checks: WorkflowStep[] = [
        {
          id: `validate-${i + 1}-length`,
          type: 'book.validate-length',
          dependsOn: [id],
          input: { chapter, targetWords: preset.wordsPerChapter, failOnError: true },
        },
        {
          id: `validate-${i + 1}-sources`,
          type: 'book.validate-sources',
          dependsOn: [id],
          input: { chapter, sources: preset.sources, failOnError: true },
        },
        { id: `validate-${i + 1}-quality`, type: 'book.validate-quality', dependsOn: [id], input: { chapter, failOnError: true } },
      ];
      validations.push(...checks.map((c) => c.id));
      return checks;
    }),
    {
      id: 'introduction',
      type: 'book.introduction',
      dependsOn: ['outline', ...chapterIds],
      input: { outline, ...common, writtenParts: chapterArtifacts, targetWords: preset.introductionWords },
    },
    {
      id: 'conclusion',
      type: 'book.conclusion',
      dependsOn: ['outline', 'introduction', ...chapterIds],
      input: {
        outline,
        ...common,
        writtenParts: [...chapterArtifacts, ref('introduction', 'artifact.id')],
        targetWords: preset.conclusionWords,
      },
    },
    {
      id: 'validate-book',
      type: 'book.validate-book',
      dependsOn: ['introduction', 'conclusion', ...validations],
      input: {
        title: preset.title,
        introduction: ref('introduction', 'artifact.id'),
        chapters: chapterArtifacts,
        conclusion: ref('conclusion', 'artifact.id'),
        expectedChapters: n,
        targetWordsPerChapter: preset.wordsPerChapter,
        failOnError: true,
      },
    },
    {
      id: 'export',
      type: 'book.export-all',
      dependsOn: ['validate-book', 'introduction', 'conclusion', ...chapterIds],
      input: {
        manifest: {
          title: preset.title,
          ...(preset.subtitle ? { subtitle: preset.subtitle } : {}),
          ...(preset.author ? { author: preset.author } : {}),
          sources: preset.sources.map((s) => ({
            id: s.id,
            title: s.title,
            ...(s.author ? { author: s.author } : {}),
            ...(s.url ? { url: s.url } : {}),
          })),
          introduction: ref('introduction', 'artifact.id'),
          chapters: chapterArtifacts,
          conclusion: ref('conclusion', 'artifact.id'),
        },
      },
    },
    ...preset.targets.flatMap((target, t): WorkflowStep[] => {
      if (target.type === 'webhook') {
        return [
          {
            id: `publish-${t + 1}-webhook`,
            type: 'publish.webhook',
            dependsOn: ['export'],
            input: {
              url: target.url,
              payload: {
                title: preset.title,
                markdown: ref('export', 'markdown.id'),
                docx: ref('export', 'docx.id'),
                pdf: ref('export', 'pdf.id'),
              },
              ...(target.account ? { account: target.account } : {}),
            },
          },
        ];
      }
      return (['markdown', 'docx', 'pdf'] as const).map((format) => ({
        id: `publish-${t + 1}-folder-${format}`,
        type: 'publish.folder',
        dependsOn: ['export'],
        input: { artifactId: ref('export', `${format}.id`), directory: target.dir, overwrite: target.overwrite },
      }));
    }),
  ];
  const spec: WorkflowSpec = { name: preset.name ?? `book: ${preset.title.slice(0, 180)}`, steps };
  if (preset.project) spec.project = preset.project;
  return spec;
}
