import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiError, chatCompletion, type OpenAiCompatibleServer, startOpenAiCompatibleServer } from '@reelay/ai-providers/testing';
import { BookChapter, type BookOutline, type BookOutlineOutput, type BookPartSummary } from '@reelay/contracts';
import { startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceText } from '../src/generation/source-corpus.js';
import { checkSources } from '../src/validation/sources-check.js';
import { darwinSources } from './fixtures/darwin-sources.js';

const BOOKS_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const API_KEY = 'sk-test-books-7c1e9a2b4d6f8a0c';
const CHAT = '/v1/chat/completions';
const texts: SourceText[] = darwinSources.map((s) => ({ id: s.id, title: s.title, author: s.author, text: s.text! }));

describe('book generation through an OpenAI-compatible chat provider (local server)', () => {
  let system: TestSystem;
  let server: OpenAiCompatibleServer;
  let outline: BookOutline;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer({ apiKey: API_KEY, transcript: '' });
    system = await startTestSystem();
    await system.startService(BOOKS_MAIN, {
      BOOKS_ROLES: 'generation',
      BOOK_AI_BASE_URL: server.baseUrl,
      BOOK_AI_API_KEY: API_KEY,
      BOOK_AI_MODEL: 'local-model-1',
      LOG_LEVEL: 'debug',
    });
  });
  afterAll(async () => {
    await system?.close();
    await server?.close();
  });

  const run = async (type: string, input: unknown) => {
    const { job } = await system.client.enqueue({ type, input });
    return system.waitForStatus(job.id, ['succeeded', 'failed'], 60_000);
  };
  const chapterJob = () => run('book.chapter', { outline, number: 2, sources: darwinSources, maxRegenerations: 2 });
  const readPart = async (id: string) => {
    const file = path.join(os.tmpdir(), `reelay-chat-part-${id}.json`);
    await system.artifacts.getToFile(id, file);
    return BookChapter.parse(JSON.parse(await readFile(file, 'utf8')));
  };
  const bodies = (from: number) => server.requests.slice(from).filter((r) => r.path === CHAT);

  it('book.outline keeps the plan and takes its wording from the model, through json_schema', async () => {
    const before = server.requests.length;
    const done = await run('book.outline', { title: 'Darwin', sources: darwinSources, chapters: 3, wordsPerChapter: 300 });
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    const result = done.result as BookOutlineOutput;
    expect(result.writer).toBe('openai-compatible');
    expect(result.model).toBe('local-model-1');
    expect(result.outline.chapters).toHaveLength(3);
    for (const c of result.outline.chapters) expect(c.title).toMatch(/\(model\)$/);
    const [request] = bodies(before);
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'book_outline', strict: true } });
    outline = result.outline;
  });

  it('book.chapter is written by the model from its assigned passages, and every citation verifies against the sources', async () => {
    const before = server.requests.length;
    const done = await chapterJob();
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    const summary = done.result as BookPartSummary;
    expect(summary).toMatchObject({ writer: 'openai-compatible', model: 'local-model-1', regenerations: 0 });
    const [request] = bodies(before);
    const format = request!.body.response_format;
    expect(format).toMatchObject({ type: 'json_schema', json_schema: { name: 'book_part', strict: true } });
    expect(format.json_schema.schema.properties.sections.items.properties.paragraphs.items.required).toEqual(['text', 'citations']);
    const prompt: string = request!.body.messages.map((m: { content: string }) => m.content).join('\n');
    expect(prompt).toContain('about 300 words');
    expect(prompt).toMatch(/<passage source="[A-Za-z0-9_-]+">/);

    const part = await readPart(summary.artifact.id);
    // The model's own headings, and every paragraph a run of the prompt's passage sentences.
    expect(part.sections.map((s) => s.heading)).toEqual([
      `${outline.chapters[1]!.title}: the beginning`,
      `${outline.chapters[1]!.title}: what followed`,
    ]);
    for (const p of part.sections.flatMap((s) => s.paragraphs)) {
      expect(p.citations.length).toBeGreaterThan(0);
      expect(prompt).toContain(p.citations[0]!.quote);
    }
    const sources = checkSources(part, texts);
    expect(sources.passed, JSON.stringify(sources.reasons)).toBe(true);
    expect(sources.metrics.resolvedCitations).toBe(sources.metrics.citations);
    expect(part.words).toBeGreaterThanOrEqual(270);
    expect(part.words).toBeLessThanOrEqual(330);
  });

  it('a model answer quoting what the source does not say is rewritten with the failed report as feedback, in the same job', async () => {
    const invented = {
      sections: [
        {
          heading: 'An invented section',
          paragraphs: [
            {
              text: 'Darwin sailed to Antarctica in 1850 and wrote about penguins.',
              citations: [{ sourceId: darwinSources[0]!.id, quote: 'Darwin sailed to Antarctica in 1850.' }],
            },
          ],
        },
      ],
    };
    server.enqueue(CHAT, chatCompletion(JSON.stringify(invented)));
    const before = server.requests.length;
    const done = await chapterJob();
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    expect(done.attempts).toBe(1);
    expect((done.result as BookPartSummary).regenerations).toBe(1);
    const [, retry] = bodies(before);
    const feedback: string = retry!.body.messages.at(-1).content;
    expect(feedback).toContain('previous draft failed');
    expect(feedback).toContain('QUOTE_NOT_FOUND');
  });

  it('a 429 with Retry-After is waited out without spending an attempt', async () => {
    server.enqueue(CHAT, apiError(429, 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded', { 'retry-after': '1' }));
    const done = await chapterJob();
    expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(1);
    expect(done.freeRedeliveries).toBe(1);
    expect(done.errors).toEqual([]);
  });

  it('a 400 from the provider fails the job permanently, on its first attempt', async () => {
    server.enqueue(CHAT, apiError(400, "Invalid schema for response_format 'book_part'.", 'invalid_request_error', null));
    const done = await chapterJob();
    expect(done.status).toBe('failed');
    expect(done.attempts).toBe(1);
    expect(done.error?.code).toBe('PROVIDER_ERROR');
    expect(done.error?.retryable).toBe(false);
    expect(done.error?.message).toContain("Invalid schema for response_format 'book_part'.");
    expect(done.error?.message).not.toContain(API_KEY);
  });
});
