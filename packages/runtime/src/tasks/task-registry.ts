import { createHash } from 'node:crypto';
import { uniqueKeys } from '../nats/kv-keys.js';
import type { KV } from '@nats-io/kv';
import { ErrorCode, isKnownTask, RegisteredTask, TASK_TYPE_PATTERN, type TaskDefinition } from '@reelay/contracts';
import { z } from 'zod';
import { ReelayError } from '../errors.js';
import { isWrongLastSequence } from '../nats/nats-errors.js';

/**
 * The task registry in KV `tasks`: one entry per task type, written by the workers that
 * serve it when they start (built-in services and custom workers alike, through
 * `Worker.start`). Readers — the gateway, the scheduler, any JobClient — look types up
 * here to validate a submission of a task they have no code for, and `/v1/tasks` lists it.
 *
 * Rules for a type already registered:
 * - the same schemas (equal `schemaHash`): nothing to do beyond refreshing the entry;
 * - a higher `version`: the new contract replaces the old one (a rolling upgrade);
 * - the same version with other schemas, or a lower version: `TASK_CONFLICT`, and the
 *   worker does not start — two workers would run one type with two contracts.
 */
export class TaskConflictError extends ReelayError {
  constructor(message: string) {
    super(ErrorCode.TASK_CONFLICT, message, { retryable: false });
  }
}

/** What a worker declares for a type, before it is stamped with who and when. */
export type TaskDeclaration = Omit<RegisteredTask, 'registeredAt' | 'registeredBy'>;

export function declareTask(definition: TaskDefinition): TaskDeclaration {
  if (!TASK_TYPE_PATTERN.test(definition.type)) {
    throw new TaskConflictError(`"${definition.type}" is not a task type: use lower-case family.name, e.g. acme.resize`);
  }
  const inputSchema = toJsonSchema(definition.input, 'input');
  const outputSchema = toJsonSchema(definition.output, 'output');
  const declaration: TaskDeclaration = {
    type: definition.type,
    version: definition.version ?? 1,
    description: definition.description,
    queue: definition.queue,
    priority: definition.priority,
    retry: definition.retry,
    softTimeoutMs: definition.softTimeoutMs,
    hardTimeoutMs: definition.hardTimeoutMs,
    inputSchema,
    outputSchema,
    // Sensitive paths are part of the contract (the gateway encrypts by them); absent, the hash is as before.
    schemaHash: hashOf({
      inputSchema,
      outputSchema,
      queue: definition.queue,
      ...(definition.sensitive?.length ? { sensitive: [...definition.sensitive].sort() } : {}),
    }),
    builtIn: isKnownTask(definition.type),
  };
  if (definition.rateLimit) declaration.rateLimit = definition.rateLimit;
  if (definition.requiresScope) declaration.requiresScope = definition.requiresScope;
  if (definition.sensitive?.length) declaration.sensitive = [...definition.sensitive];
  return declaration;
}

/** zod → JSON Schema (draft 2020-12). Refinements and transforms have no JSON form; they are checked by the worker's zod parse. */
function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

/** JSON with object keys sorted, so equal schemas hash equally whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class TaskRegistry {
  /** Entries read recently, so a busy gateway does not read KV once per submit. */
  private readonly cache = new Map<string, { at: number; task: RegisteredTask | undefined }>();

  constructor(
    private readonly kv: KV,
    private readonly cacheMs = 2_000,
  ) {}

  /** Registers every definition, or throws TaskConflictError naming the first that clashes. */
  async register(definitions: TaskDefinition[], registeredBy: string): Promise<RegisteredTask[]> {
    const out: RegisteredTask[] = [];
    for (const definition of definitions) out.push(await this.registerOne(declareTask(definition), registeredBy));
    return out;
  }

  private async registerOne(declaration: TaskDeclaration, registeredBy: string): Promise<RegisteredTask> {
    const entry: RegisteredTask = { ...declaration, registeredAt: new Date().toISOString(), registeredBy };
    const body = JSON.stringify(entry);
    for (let tries = 0; tries < 5; tries++) {
      const current = await this.kv.get(declaration.type);
      try {
        if (current?.operation !== 'PUT') {
          await this.kv.create(declaration.type, body);
        } else {
          const existing = RegisteredTask.parse(current.json());
          if (existing.version === declaration.version && existing.schemaHash !== declaration.schemaHash) {
            throw new TaskConflictError(
              `task ${declaration.type} v${declaration.version} is already registered with other schemas (by ${existing.registeredBy}); raise its version to change its contract`,
            );
          }
          if (existing.version > declaration.version) {
            throw new TaskConflictError(
              `task ${declaration.type} is registered at v${existing.version} (by ${existing.registeredBy}); this worker serves v${declaration.version}`,
            );
          }
          await this.kv.update(declaration.type, body, current.revision);
        }
        this.cache.set(entry.type, { at: Date.now(), task: entry });
        return entry;
      } catch (err) {
        // Another worker wrote the entry between our read and write: look again.
        if (err instanceof TaskConflictError || !isWrongLastSequence(err)) throw err;
      }
    }
    throw new TaskConflictError(`task ${declaration.type}: its registry entry kept changing; gave up registering it`);
  }

  async get(type: string): Promise<RegisteredTask | undefined> {
    if (!TASK_TYPE_PATTERN.test(type)) return undefined;
    const cached = this.cache.get(type);
    if (cached && Date.now() - cached.at < this.cacheMs) return cached.task;
    const entry = await this.kv.get(type);
    const parsed = entry?.operation === 'PUT' ? RegisteredTask.safeParse(entry.json()) : undefined;
    const task = parsed?.success ? parsed.data : undefined;
    this.cache.set(type, { at: Date.now(), task });
    return task;
  }

  async list(): Promise<RegisteredTask[]> {
    const out: RegisteredTask[] = [];
    for (const key of await uniqueKeys(this.kv)) {
      const task = await this.get(key);
      if (task) out.push(task);
    }
    return out.sort((a, b) => (a.type < b.type ? -1 : 1));
  }
}
