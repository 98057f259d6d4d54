import type { FastifyDynamicSwaggerOptions, SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import {
  ArtifactRef,
  BatchView,
  DeadLetter,
  ErrorResponse,
  HTTP_STATUS_BY_CODE,
  JobEvent,
  JobView,
  QueueView,
  ReelPresetBody,
  ScheduleView,
  SubmitJobResponse,
  SubmitWorkflowResponse,
  TaskView,
  WorkerHeartbeat,
  WorkflowSpec,
  WorkflowView,
  WsClientMessage,
  WsServerMessage,
} from '@reelay/contracts';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type OperationDocs, operationDocs } from './openapi-operations.js';
import { builtInInputs, type JsonSchema, taskUnion } from './openapi-tasks.js';

/**
 * The gateway's OpenAPI 3.1 document (/docs/json), made to generate clients from: what
 * @fastify/swagger and the zod type provider make of the routes' schemas, then what
 * they cannot know — operation docs and examples (openapi-operations.ts), the task-typed
 * bodies (openapi-tasks.ts), the error answers each operation can give in the
 * `{error:{code,message,details?}}` envelope, and the security each route declares in
 * its `config`. It is documentation only: nothing here runs on a request, and every
 * route still validates with its own zod schema.
 */

/**
 * Schemas documented once, as `#/components/schemas/<name>`, instead of inline at every
 * use. The registry is the document's own, never zod's global one: an id there would
 * change every JSON Schema the process generates, the task registry's included.
 */
const NAMED_SCHEMAS: Record<string, z.ZodType> = {
  Job: JobView,
  JobSubmitted: SubmitJobResponse,
  JobEvent,
  ErrorResponse,
  Batch: BatchView,
  Queue: QueueView,
  Worker: WorkerHeartbeat,
  DeadLetter,
  Artifact: ArtifactRef,
  Workflow: WorkflowView,
  WorkflowSubmitted: SubmitWorkflowResponse,
  WorkflowSpec,
  ReelPreset: ReelPresetBody,
  Schedule: ScheduleView,
  Task: TaskView,
  WsClientMessage,
  WsServerMessage,
};

/** Kept though nothing in the HTTP operations references them: the WebSocket's frames. */
const KEPT_SCHEMAS = ['WsClientMessage', 'WsServerMessage'];

const TAGS = [
  { name: 'jobs', description: 'Submit, inspect, cancel and wait for jobs; follow them over Server-Sent Events or a WebSocket.' },
  { name: 'batches', description: 'Many jobs in one request, followed by one id (Celery’s group result).' },
  { name: 'workflows', description: 'DAGs of steps whose inputs may reference upstream results, and presets such as the reel pipeline.' },
  { name: 'schedules', description: 'Jobs fired periodically, on a cron expression or a fixed interval.' },
  {
    name: 'tasks',
    description: 'The task registry: every type a submit may name, with its input and output JSON Schemas and the workers serving it.',
  },
  { name: 'queues', description: 'Queue figures per priority band; pause, resume and purge (admin).' },
  { name: 'workers', description: 'Live workers, from their heartbeats; drain, resume or shut one down (admin).' },
  { name: 'audit', description: 'Who did what: the audit log of state-changing requests (admin).' },
  { name: 'dlq', description: 'The dead-letter queue: jobs that failed for good; requeue (optionally corrected) or discard them.' },
  { name: 'artifacts', description: 'Media files in the object store: streamed uploads, byte-range downloads, signed links.' },
  { name: 'health', description: 'Liveness, readiness and Prometheus metrics for probes and scrapers; no key needed.' },
  {
    name: 'session',
    description:
      'Dashboard sign-in: an API key exchanged for an HttpOnly, SameSite=Strict session cookie; mutating requests on it carry the x-csrf-token it gives.',
  },
];

const SECURITY_SCHEMES = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'API key',
    description:
      'An API key from REELAY_API_KEYS_FILE as `Authorization: Bearer <key>`. Its scopes (`jobs:read`, `jobs:write`, `admin`) and projects decide what it may do.',
  },
  accessToken: {
    type: 'apiKey',
    in: 'query',
    name: 'access_token',
    description:
      'The same key as a query parameter, taken only by GET /v1/jobs/{id}/events and GET /v1/ws, where EventSource and browser WebSockets cannot set a header. Anywhere else a key in a URL would end up in logs.',
  },
};

const retryAfterHeader = { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } };

/** Error answers many operations share, as `#/components/responses/<name>`. */
const SHARED_ERRORS: Record<string, { name: string; description: string; example: ErrorResponse }> = {
  400: {
    name: 'BadRequest',
    description:
      'The request fails validation (INVALID_INPUT, with `details` listing each failing path), or names a task type no worker has registered (UNKNOWN_TASK).',
    example: {
      error: {
        code: 'INVALID_INPUT',
        message: 'body.input.count: Too big: expected number to be <=100',
        details: [{ path: 'body.input.count', message: 'Too big: expected number to be <=100' }],
      },
    },
  },
  401: {
    name: 'Unauthorized',
    description: 'No API key, or an unknown one (UNAUTHENTICATED).',
    example: { error: { code: 'UNAUTHENTICATED', message: 'missing API key: send Authorization: Bearer <key>' } },
  },
  403: {
    name: 'Forbidden',
    description: 'The key lacks the scope this needs (some task types need `admin`), or may not use the project (FORBIDDEN).',
    example: { error: { code: 'FORBIDDEN', message: 'this key lacks the jobs:write scope' } },
  },
  404: {
    name: 'NotFound',
    description: 'No such resource, or it belongs to a project the key cannot see (NOT_FOUND): existence is not leaked.',
    example: { error: { code: 'NOT_FOUND', message: 'job 0196f0c2-6b1e-7c3a-9d2e-5f8a1b2c3d4e not found' } },
  },
  413: {
    name: 'PayloadTooLarge',
    description: 'The body is larger than the gateway takes (PAYLOAD_TOO_LARGE).',
    example: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } },
  },
  414: {
    name: 'UriTooLong',
    description: 'A path parameter is longer than the router takes (URI_TOO_LONG).',
    example: { error: { code: 'URI_TOO_LONG', message: 'URI Too Long' } },
  },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The body is not `application/json` (UNSUPPORTED_MEDIA_TYPE).',
    example: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: "Unsupported Media Type: 'text/plain'" } },
  },
  429: {
    name: 'RateLimited',
    description:
      'More requests a minute than RATE_LIMIT_PER_MINUTE for this key, or too many failed authentications from this address (RATE_LIMITED). Retry after Retry-After seconds.',
    example: { error: { code: 'RATE_LIMITED', message: 'rate limit of 6000 requests per minute exceeded; retry in 12 s' } },
  },
  500: {
    name: 'InternalError',
    description: 'An unexpected failure (INTERNAL); the details are in the gateway’s log, not in the answer.',
    example: { error: { code: 'INTERNAL', message: 'internal error; the gateway log has the details' } },
  },
  503: {
    name: 'Unavailable',
    description: 'NATS, which holds every job, is unreachable (UNAVAILABLE). Retry after Retry-After seconds.',
    example: { error: { code: 'UNAVAILABLE', message: 'the job store is unreachable; try again shortly' } },
  },
};

const SUCCESS_TEXT: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content' };
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Operation = JsonSchema & { operationId?: string; responses?: Record<string, JsonSchema> };
interface Document extends JsonSchema {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; responses?: Record<string, JsonSchema>; [k: string]: unknown };
}

export interface OpenApiOptions {
  /** The `servers` URL: relative by default, so the document works behind any host and proxy. */
  serverUrl?: string;
}

/** Options for @fastify/swagger: the base document, and the transforms that finish it. */
export function openapiOptions(options: OpenApiOptions = {}): FastifyDynamicSwaggerOptions {
  const registry = componentRegistry();
  const routeTransform = createJsonSchemaTransform({ schemaRegistry: registry });
  const componentsTransform = createJsonSchemaTransformObject({ schemaRegistry: registry });

  const transform: SwaggerTransform = (route) => {
    const out = routeTransform(route);
    if (out.schema.hide) return out;
    const config = route.route.config ?? {};
    const schema = { ...out.schema };
    // Public routes need no key; the two streaming routes also take one in the URL.
    if (config.public === true) schema.security = [];
    else if (config.queryToken === true) schema.security = [{ apiKey: [] }, { accessToken: [] }];
    if (config.scope && !schema.description) schema.description = `Needs a key with the \`${config.scope}\` scope.`;
    return { ...out, schema };
  };

  const transformObject: SwaggerTransformObject = (document) => {
    const doc = structuredClone(componentsTransform(document)) as unknown as Document;
    documentTaskBodies(doc);
    applyOperationDocs(doc);
    addErrorResponses(doc);
    listRecordKeys(doc);
    pruneUnusedSchemas(doc);
    return doc as never;
  };

  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Reelay gateway',
        version: '1.0.0',
        description:
          'Jobs, workflows and media pipelines on NATS JetStream. Every error answer is `{"error":{"code","message","details?"}}`; decide by `code` (docs/errors.md lists them all), never by the message.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: options.serverUrl ?? '/', description: 'The gateway serving this document' }],
      tags: TAGS,
      components: {
        securitySchemes: SECURITY_SCHEMES as never,
        headers: {
          RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } },
        },
      },
      security: [{ apiKey: [] }],
    },
    transform,
    transformObject,
  };
}

function componentRegistry() {
  const registry = z.registry<{ id?: string }>();
  // Descriptions written with .describe() live in zod's global registry: this one falls
  // back to it, so documenting a schema as a component keeps its fields' descriptions.
  registry._map = new FallbackWeakMap(z.globalRegistry._map) as typeof registry._map;
  for (const [id, schema] of Object.entries(NAMED_SCHEMAS)) registry.add(schema, { ...z.globalRegistry.get(schema), id });
  return registry;
}

class FallbackWeakMap<K extends WeakKey, V> extends WeakMap<K, V> {
  constructor(private readonly fallback: WeakMap<K, V>) {
    super();
  }
  override get(key: K): V | undefined {
    return super.get(key) ?? this.fallback.get(key);
  }
  override has(key: K): boolean {
    return super.has(key) || this.fallback.has(key);
  }
}

function operations(doc: Document): Operation[] {
  return Object.values(doc.paths).flatMap((item) => HTTP_METHODS.flatMap((m) => (item[m] ? [item[m]] : [])));
}

function operation(doc: Document, id: string): Operation {
  const op = operations(doc).find((o) => o.operationId === id);
  if (!op) throw new Error(`OpenAPI: no operation ${id}`);
  return op;
}

function jsonBody(op: Operation): JsonSchema {
  const body = op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined;
  const schema = body?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`OpenAPI: ${op.operationId} has no JSON body`);
  return schema;
}

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `{type, input}` bodies become a oneOf over the task catalogue plus custom types. */
function documentTaskBodies(doc: Document): void {
  const { inputs, schemas } = builtInInputs();
  Object.assign(doc.components.schemas, schemas);

  const submit = operation(doc, 'submitJob');
  Object.assign(
    doc.components.schemas,
    taskUnion(jsonBody(submit), inputs, {
      union: 'JobSubmission',
      builtIn: 'BuiltInJobSubmission',
      suffix: 'JobSubmission',
      description: 'A job to submit: a built-in task type with its input, or a type a worker registered.',
    }),
  );
  const submitContent = (submit.requestBody as { content: Record<string, JsonSchema> }).content;
  submitContent['application/json'] = { ...submitContent['application/json'], schema: schemaRef('JobSubmission') };

  const batchItems = (jsonBody(operation(doc, 'submitBatch')).properties as Record<string, JsonSchema>).items;
  if (batchItems) batchItems.items = schemaRef('JobSubmission');

  const schedule = jsonBody(operation(doc, 'createSchedule')).properties as Record<string, JsonSchema>;
  if (!schedule.job) throw new Error('OpenAPI: createSchedule has no job');
  Object.assign(
    doc.components.schemas,
    taskUnion(schedule.job, inputs, {
      union: 'ScheduledJobSubmission',
      builtIn: 'BuiltInScheduledJob',
      suffix: 'ScheduledJob',
      description: 'The job each tick enqueues: a built-in task type with its input, or a type a worker registered.',
    }),
  );
  schedule.job = schemaRef('ScheduledJobSubmission');
}

function applyOperationDocs(doc: Document): void {
  const ids = new Set(operations(doc).map((o) => o.operationId));
  for (const id of Object.keys(operationDocs)) if (!ids.has(id)) throw new Error(`OpenAPI: docs for unknown operation ${id}`);
  for (const op of operations(doc)) {
    const docs: OperationDocs = (op.operationId && operationDocs[op.operationId]) || {};
    const description = [docs.description, op.description].filter(Boolean).join('\n\n');
    if (description) op.description = description;
    if (docs.security) op.security = docs.security;
    if (docs.parameters) op.parameters = [...((op.parameters as JsonSchema[] | undefined) ?? []), ...docs.parameters];
    if (docs.requestBody) op.requestBody = docs.requestBody;
    if (docs.examples) {
      const content = (op.requestBody as { content: Record<string, JsonSchema> }).content['application/json'];
      if (!content) throw new Error(`OpenAPI: examples for ${op.operationId}, which takes no JSON`);
      content.examples = docs.examples;
    }
    const responses = docs.responses ? { ...docs.responses } : (op.responses ?? {});
    for (const [status, response] of Object.entries(responses)) {
      if (response.description === 'Default Response') {
        response.description = docs.answers?.[status] ?? SUCCESS_TEXT[status] ?? 'OK';
      }
    }
    op.responses = responses;
    Object.assign(op, docs.extensions);
  }
}

/**
 * The error answers each operation can give, from what it is: every one may be rate
 * limited or fail unexpectedly; one that needs a key may lack or misuse it, and depends
 * on NATS; inputs can be invalid, paths name things that may not exist, bodies can be
 * too large or of the wrong type. Operation docs add or sharpen the rest.
 */
function addErrorResponses(doc: Document): void {
  const envelope = (example: ErrorResponse) => ({ 'application/json': { schema: schemaRef('ErrorResponse'), example } });
  const shared: Record<string, JsonSchema> = {};
  for (const op of operations(doc)) {
    const params = (op.parameters as { in: string }[] | undefined) ?? [];
    const body = op.requestBody as { content?: Record<string, unknown> } | undefined;
    const security = (op.security as Record<string, unknown>[] | undefined) ?? (doc.security as Record<string, unknown>[]);
    const needsKey = security.some((requirement) => Object.keys(requirement).length > 0);
    const statuses = new Set<string>(['429', '500']);
    if (needsKey) for (const s of ['401', '403', '503']) statuses.add(s);
    if (params.length > 0 || body) statuses.add('400');
    if (params.some((p) => p.in === 'path')) for (const s of ['404', '414']) statuses.add(s);
    if (body) statuses.add('413');
    if (body?.content?.['application/json']) statuses.add('415');
    const particular = (op.operationId && operationDocs[op.operationId]?.errors) || {};
    for (const s of Object.keys(particular)) statuses.add(s);

    const responses = op.responses ?? {};
    for (const status of [...statuses].sort()) {
      const when = particular[status];
      const common = SHARED_ERRORS[status];
      const headers = status === '429' || status === '503' ? { headers: retryAfterHeader } : {};
      if (when === undefined && common) {
        responses[status] = { $ref: `#/components/responses/${common.name}` };
        shared[common.name] = { description: common.description, ...headers, content: envelope(common.example) };
      } else {
        const code = Object.entries(HTTP_STATUS_BY_CODE).find(([, s]) => String(s) === status)?.[0] ?? 'INVALID_INPUT';
        responses[status] = { description: when, ...headers, content: envelope({ error: { code, message: when ?? '' } }) };
      }
    }
    op.responses = responses;
  }
  doc.components.responses = { ...doc.components.responses, ...shared };
}

/**
 * `z.record(z.enum([...]), v)` must have every key; its JSON Schema says so with
 * `required` and `propertyNames` alone, which tools read as required properties that
 * are never defined. Listing the keys as properties says the same, legibly.
 */
function listRecordKeys(doc: Document): void {
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const schema = node as JsonSchema;
    const keys = (schema.propertyNames as { enum?: unknown[] } | undefined)?.enum;
    if (Array.isArray(schema.required) && keys && !schema.properties && schema.additionalProperties) {
      schema.properties = Object.fromEntries(keys.map((k) => [String(k), schema.additionalProperties]));
    }
    for (const child of Object.values(schema)) visit(child);
  };
  visit(doc);
}

/** Drops schema components nothing references (the registry emits an input and an output form of each). */
function pruneUnusedSchemas(doc: Document): void {
  const schemas = doc.components.schemas;
  const prefix = '#/components/schemas/';
  const refsIn = (node: unknown, found: string[] = []): string[] => {
    if (Array.isArray(node)) for (const n of node) refsIn(n, found);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith(prefix))
          found.push(value.slice(prefix.length).split('/')[0] ?? '');
        else refsIn(value, found);
      }
    }
    return found;
  };
  const used = new Set<string>(KEPT_SCHEMAS);
  const queue = [...refsIn({ ...doc, components: { ...doc.components, schemas: {} } }), ...KEPT_SCHEMAS];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    used.add(name);
    for (const next of refsIn(schemas[name])) if (!used.has(next)) queue.push(next);
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}
