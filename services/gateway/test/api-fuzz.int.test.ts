import { taskCatalogue } from '@reelay/contracts';
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, ALPHA_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  maxItems?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

/** The document's shared schemas, for `$ref`s (set once the document is read). */
let components: Record<string, JsonSchema> = {};
/** The registered task types: a `type` field names one of them (or anything, now and then). */
let taskTypes: string[] = ['system.noop'];

/**
 * Values a schema accepts, nearly: each field is drawn from its own schema (enums, bounds,
 * patterns, nested objects and arrays), and one field in ten is junk instead. So the
 * draws get past the top-level shape into what the route does with a body it takes.
 * URLs are loopback ones: nothing here may send traffic anywhere else.
 */
function fromSchema(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const drawn = exact(schema, depth);
  return depth === 0 ? drawn : fc.oneof({ arbitrary: drawn, weight: 9 }, { arbitrary: scalar, weight: 1 });
}
function exact(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (schema.$ref) return fromSchema(components[schema.$ref.split('/').at(-1) as string] ?? {}, depth);
  if (depth > 6) return scalar;
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return fc.oneof(...options.map((o) => fromSchema(o, depth + 1)));
  if (schema.allOf?.[0]) return fromSchema(schema.allOf[0], depth);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const props = Object.entries(schema.properties ?? {});
      if (props.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 });
      const field = (k: string, v: JsonSchema) =>
        k === 'type' && v.type === 'string' && !v.enum
          ? fc.oneof({ arbitrary: fc.constantFrom(...taskTypes), weight: 9 }, { arbitrary: fromSchema(v, depth + 1), weight: 1 })
          : fromSchema(v, depth + 1);
      return fc.record(Object.fromEntries(props.map(([k, v]) => [k, field(k, v)])), {
        requiredKeys: (schema.required ?? []).filter((k) => schema.properties?.[k]),
      });
    }
    case 'array':
      return fc.array(fromSchema(schema.items ?? {}, depth + 1), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.max(Math.min(schema.maxItems ?? 3, 3), Math.min(schema.minItems ?? 0, 3)),
      });
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1e6, -(2 ** 31)), max: Math.min(schema.maximum ?? 1e6, 2 ** 31) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string': {
      if (schema.format === 'uri') return fc.constantFrom('http://127.0.0.1:9/hook', 'https://127.0.0.1:9/x?y=1');
      if (schema.format === 'date-time')
        return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern) {
        try {
          return fc.stringMatching(new RegExp(schema.pattern)).filter((v) => v.length <= (schema.maxLength ?? 1e4));
        } catch {
          return fc.string();
        }
      }
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
    }
    default:
      return scalar;
  }
}

/** What a request got back: a 4xx must carry the error envelope, nothing may be a 5xx. */
async function verdict(res: Response): Promise<string | undefined> {
  const text = await res.text().catch(() => '');
  if (res.status >= 500) return `answered ${res.status}: ${text.slice(0, 300)}`;
  if (res.status < 400) return undefined;
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof error?.code === 'string' && typeof error.message === 'string') return undefined;
  } catch {}
  return `answered ${res.status} without the error envelope: ${text.slice(0, 300)}`;
}

// Values a client might send anywhere: ids of every shape, numbers past every bound,
// unicode, nesting, and the JSON types a schema does not expect.
const scalar = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.uuid(),
  fc.constantFrom('', ' ', '>', '*', '..', '../etc/passwd', '%00', 'system.noop', 'default', '-1', '1e400', 'NaN', 'null'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 2 ** 53, 1e300),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
  ),
})).node;
const segment = fc.oneof(
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.constantFrom('01a00000-0000-7000-8000-000000000000', 'system', 'media', 'a'.repeat(300), '..', '%2F', '>'),
);

/** A request for one operation: its path parameters, query and body all drawn at random. */
function requestFor(path: string, method: string, op: Operation) {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const bodyKeys = Object.keys(bodySchema?.properties ?? {});
  const body = fc.oneof(
    // Drawn from the operation's own schema, several times as often as the rest.
    ...(bodySchema ? [fromSchema(bodySchema).map((v) => JSON.stringify(v)), fromSchema(bodySchema).map((v) => JSON.stringify(v))] : []),
    ...(method === 'post' && path === '/v1/jobs' ? [submission.map((v) => JSON.stringify(v))] : []),
    ...(method === 'post' && path === '/v1/batches'
      ? [fc.array(submission, { minLength: 1, maxLength: 3 }).map((items) => JSON.stringify({ items }))]
      : []),
    fc.constant(undefined),
    value.map((v) => JSON.stringify(v)),
    // The body's own keys with values of any type: past the top-level shape, into the fields.
    fc.record(Object.fromEntries(bodyKeys.map((k) => [k, value])), { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.constantFrom(
      '{',
      '[1,',
      'null',
      '"x"',
      '{"a":1}{',
      '\u0000',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"x":1}}}',
    ),
  );
  return fc.record({
    params: fc.tuple(...names.map(() => segment)),
    query: fc.dictionary(
      fc.oneof(queryNames.length > 0 ? fc.constantFrom(...queryNames) : fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })),
      fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constantFrom('', '-1', '1e9', '99999999999999999999', 'true')),
      { maxKeys: 3 },
    ),
    body: method === 'get' || method === 'delete' ? fc.constant(undefined) : body,
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
    ),
  });
}

/**
 * A submission of a built-in task with input drawn from that task's own input schema, so
 * a submit gets past the type into the task's checks (refinements, bounds, defaults).
 */
const submission = fc.constantFrom(...Object.keys(taskCatalogue)).chain((type) =>
  fromSchema(
    z.toJSONSchema((taskCatalogue as Record<string, { input: z.ZodType }>)[type]?.input ?? z.unknown(), {
      io: 'input',
      unrepresentable: 'any',
    }) as JsonSchema,
    1,
  ).map((input) => ({ type, input })),
);

/** Draws per operation; FUZZ_RUNS=400 for a longer hunt (it passed 400 when this was written). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
/** A fixed seed, so a failure reproduces (its draws are printed with it); FUZZ_SEED=<n> for other draws. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

describe('every operation in the OpenAPI document, with input drawn at random (fast-check), by an admin key and a one-project key', () => {
  let g: GatewayFixture;
  let operations: { path: string; method: string; op: Operation }[] = [];
  beforeAll(async () => {
    // The limits would answer most of the draws 429 before their input is read.
    g = await startGateway({ AUTH_FAILURES_PER_MINUTE: '100000', RATE_LIMIT_PER_MINUTE: '1000000' });
    const spec = (await (await g.call('/docs/json')).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components?: { schemas?: Record<string, JsonSchema> };
    };
    components = spec.components?.schemas ?? {};
    taskTypes = ((await (await g.call('/v1/tasks')).json()) as { items: { type: string }[] }).items.map((t) => t.type);
    operations = Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
  });
  afterAll(() => g.close());

  it('answers no 5xx, puts every 4xx in the error envelope, and the gateway keeps serving', async () => {
    expect(operations.length).toBeGreaterThan(30);
    const failures: string[] = [];
    for (const [key, { path, method, op }] of [ADMIN_KEY, ALPHA_KEY].flatMap((k) => operations.map((o) => [k, o] as const))) {
      // Waits and event streams may hold a request open; nothing else may.
      const holds = /\/(wait|events)$|\/ws$/.test(path);
      await fc
        .assert(
          fc.asyncProperty(requestFor(path, method, op), async ({ params, query, body, contentType }) => {
            let i = 0;
            const url = path.replace(/\{\w+\}/g, () => encodeURIComponent(params[i++] as string));
            const search = new URLSearchParams(query).toString();
            const res = await g
              .call(`${url}${search ? `?${search}` : ''}`, {
                key,
                method: method.toUpperCase(),
                ...(body !== undefined ? { body, headers: { 'content-type': contentType } } : {}),
                // Streams (SSE) and long polls are cut after their headers or 5 s.
                signal: AbortSignal.timeout(5_000),
              })
              .catch((err: unknown) => (String(err).includes('TimeoutError') ? undefined : Promise.reject(err)));
            if (!res) {
              if (holds) return true;
              failures.push(`${method.toUpperCase()} ${url}${search ? `?${search}` : ''}: no answer within 5 s`);
              return false;
            }
            if (res.status === 429) {
              failures.push(`${method.toUpperCase()} ${url}: rate-limited, so its input was never read`);
              return false;
            }
            if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
              await res.body?.cancel();
              return true;
            }
            const wrong = await verdict(res);
            if (wrong) failures.push(`${method.toUpperCase()} ${url}${search ? `?${search}` : ''} ${body ?? ''}: ${wrong}`);
            return wrong === undefined;
          }),
          { numRuns: RUNS, endOnFailure: true, seed: SEED },
        )
        .catch(() => {});
    }
    expect(failures).toEqual([]);
    expect((await g.call('/healthz')).status).toBe(200);
    expect(g.gateway.proc.exitCode).toBeNull();
  });
});
