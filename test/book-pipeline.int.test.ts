/**
 * BookGen end to end: nats-server, the gateway, the scheduler, the publisher and the
 * books service (generation, validation and export workers) as their own processes;
 * the `book` preset submitted through the SDK with three sources; what comes out read
 * back from the published folder — the Word file's word/document.xml, the PDF's text
 * (pdftotext) and the Markdown — and each chapter's step checked in the workflow.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { darwinSources } from '../services/books/test/fixtures/darwin-sources.js';
import { type sdk, service, startGatewayClient, testing, waitForWorkflow } from './workflow-harness.js';

const KEY = 'book-pipeline-key-0123456789';
const CHAPTERS = 3;
const WORDS = 600;

function run(command: string, args: string[]): string {
  const out = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout;
}

describe('the book pipeline', () => {
  let system: Awaited<ReturnType<typeof testing.startTestSystem>>;
  let client: InstanceType<typeof sdk.ReelayClient>;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(os.tmpdir(), 'book-pipeline-'));
    system = await testing.startTestSystem({ ackWaitMs: 10_000 });
    await Promise.all([
      system.startService(service('scheduler'), {}, /scheduler ready/),
      system.startService(service('publisher'), { PUBLISH_FOLDER_ROOTS: work }, /publisher ready/),
      system.startService(service('books'), { BOOKS_ROLES: 'generation,validation,export' }, /books ready/),
    ]);
    client = await startGatewayClient(system, { key: KEY, work });
  });

  afterAll(async () => {
    await system?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('three sources become a validated book, published as Markdown, Word and PDF that read back with every chapter', async () => {
    const dir = join(work, 'published');
    const { id } = await client.submitWorkflow({
      preset: 'book',
      title: 'Charles Darwin: A Life from the Sources',
      author: 'Reelay BookGen',
      sources: darwinSources,
      chapters: CHAPTERS,
      wordsPerChapter: WORDS,
      introductionWords: 250,
      conclusionWords: 250,
      batchSize: 2,
      targets: [{ type: 'folder', dir }],
    });
    const done = await waitForWorkflow(client, id, { timeoutMs: 100_000, intervalMs: 300, what: 'the book workflow to succeed' });
    const steps = new Map(done.steps.map((s) => [s.id, s]));
    const result = async <T>(step: string) => (await client.get(steps.get(step)?.jobId as string)).result as T;

    // One step per chapter, each finished at 100% with its own figures: progress per chapter.
    const outline = await result<{ outline: { chapters: { number: number; title: string }[] } }>('outline');
    const titles = outline.outline.chapters.map((c) => c.title);
    expect(titles).toHaveLength(CHAPTERS);
    for (let k = 1; k <= CHAPTERS; k++) {
      const step = steps.get(`chapter-${k}`);
      expect(step?.status).toBe('succeeded');
      const chapter = await client.get(step?.jobId as string);
      expect(chapter.progress).toBe(100);
      const figures = chapter.result as { number: number; words: number; citations: number; validation: { passed: boolean }[] };
      expect(figures.number).toBe(k);
      expect(figures.words).toBeGreaterThanOrEqual(WORDS * 0.9);
      expect(figures.words).toBeLessThanOrEqual(WORDS * 1.1);
      expect(figures.citations).toBeGreaterThan(0);
      expect(figures.validation.every((r) => r.passed)).toBe(true);
      for (const check of ['length', 'sources', 'quality']) {
        expect((await result<{ passed: boolean }>(`validate-${k}-${check}`)).passed).toBe(true);
      }
    }
    const book = await result<{ passed: boolean; metrics: Record<string, number> }>('validate-book');
    expect(book.passed).toBe(true);
    expect(book.metrics).toMatchObject({ chapters: CHAPTERS, duplicatedPassages: 0 });

    // The published files, read back.
    const published = async (format: string) => (await result<{ path: string }>(`publish-1-folder-${format}`)).path;
    const markdown = await readFile(await published('markdown'), 'utf8');
    expect(markdown).toContain('Charles Darwin: A Life from the Sources');
    for (const title of titles) expect(markdown).toContain(title);

    const documentXml = run('unzip', ['-p', await published('docx'), 'word/document.xml']);
    const docText = documentXml
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .replace(/&apos;|&#39;/g, "'");
    for (const title of titles) expect(docText).toContain(title);

    const pdfPath = await published('pdf');
    const pdfText = run('pdftotext', [pdfPath, '-']).replace(/\s+/g, ' ');
    expect(pdfText).toContain('Charles Darwin');
    for (const title of titles) expect(pdfText).toContain(title);
    expect(Number(run('pdfinfo', [pdfPath]).match(/Pages:\s+(\d+)/)?.[1])).toBeGreaterThan(3);
  }, 120_000);
});
