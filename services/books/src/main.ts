/**
 * services/books — the BookGen system: outline, chapter, introduction and conclusion
 * generation (queue book-generation), the four validation checks (book-validation) and
 * export to Markdown, Word and PDF (book-export). BOOKS_ROLES picks which of the three
 * workers this process runs, each with its own concurrency, as the reference's
 * specialised workers (content generator ×2, validator ×2, exporter ×1).
 * Config is parsed here, once; nothing else reads process.env.
 */
import { ChatClient, ProviderHttp, RequestBudget } from '@reelay/ai-providers';
import { BOOK_GENERATION_QUEUE, BOOK_VALIDATION_QUEUE } from '@reelay/contracts';
import {
  onShutdownSignal,
  parseEnvOrExit,
  startServiceRuntime,
  type TaskImplementation,
  Worker,
  workerTasks,
  recycleOptions,
} from '@reelay/runtime';
import { type BookRole, BooksEnv } from './config.js';
import { exportTaskImplementations } from './export/index.js';
import { ChatWriter } from './generation/chat-writer.js';
import { generationTaskImplementations } from './generation/generation-tasks.js';
import { OfflineWriter, type PartWriter } from './generation/part-writer.js';
import { validationTaskImplementations } from './validation/validation-tasks.js';

const config = parseEnvOrExit(BooksEnv, process.env, 'books');

/** BOOK_AI_BASE_URL set: the chat model writes; unset: the offline composer. */
function partWriter(buckets: typeof runtime.buckets): PartWriter {
  if (!config.BOOK_AI_BASE_URL) return new OfflineWriter();
  const budget = new RequestBudget(buckets.rateLimits, 'books-openai-compatible-chat', {
    requestsPerMinute: config.BOOK_AI_REQUESTS_PER_MINUTE,
    tokensPerMinute: 0,
  });
  const http = new ProviderHttp({
    name: 'openai-compatible',
    baseUrl: config.BOOK_AI_BASE_URL,
    apiKey: config.BOOK_AI_API_KEY,
    auth: 'bearer',
    timeoutMs: config.BOOK_AI_TIMEOUT_MS,
    budget,
  });
  return new ChatWriter(new ChatClient(http, config.BOOK_AI_MODEL, {}, budget));
}

const roles: Record<BookRole, { queue: string; concurrency: number; tasks: () => TaskImplementation[] }> = {
  generation: {
    queue: BOOK_GENERATION_QUEUE,
    concurrency: config.BOOKS_GENERATION_CONCURRENCY,
    tasks: () => generationTaskImplementations({ writer }),
  },
  validation: {
    queue: BOOK_VALIDATION_QUEUE,
    concurrency: config.BOOKS_VALIDATION_CONCURRENCY,
    tasks: () => validationTaskImplementations(),
  },
  export: { queue: 'book-export', concurrency: config.BOOKS_EXPORT_CONCURRENCY, tasks: () => exportTaskImplementations() },
};

const chosen = config.BOOKS_ROLES.map((role) => ({ role, ...roles[role] }));
const runtime = await startServiceRuntime(
  'books',
  config,
  chosen.map((r) => r.queue),
);
const writer = partWriter(runtime.buckets);
// One worker per role: each has its own queue and slots, so a long PDF export never
// takes a slot a chapter is waiting for.
const workers = chosen.map(({ role, queue, concurrency, tasks }) => {
  const { handlers, tasks: definitions } = workerTasks(tasks());
  return new Worker(runtime.workerDeps, {
    service: `books-${role}`,
    ...recycleOptions(config),
    queues: [queue],
    concurrency,
    handlers,
    tasks: definitions,
    ackWaitMs: config.ACK_WAIT_MS,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  });
});
for (const worker of workers) await worker.start();
runtime.logger.info({ roles: config.BOOKS_ROLES, writer: writer.name, model: writer.model }, 'books ready');
onShutdownSignal(runtime.logger, async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await runtime.close();
});
