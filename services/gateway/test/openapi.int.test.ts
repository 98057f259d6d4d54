import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateScheduleBody,
  ErrorResponse,
  getTask,
  SubmitBatchBody,
  SubmitJobBody,
  SubmitWorkflowBody,
  TASK_TYPE_PATTERN,
  taskCatalogue,
} from '@reelay/contracts';
import { declareTask } from '@reelay/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './gateway-fixture.js';

const REDOCLY = fileURLToPath(new URL('../../../node_modules/.bin/redocly', import.meta.url));
const run = promisify(execFile);

type Json = Record<string, any>;
interface Operation extends Json {
  operationId?: string;
  responses: Record<string, Json>;
}

/**
 * Warnings of redocly's recommended rules that the document keeps, and why: a WebSocket
 * answers 101, never 2xx; its frames' schemas are components nothing in HTTP references
 * (the operation points at them from `x-websocket`, which linters do not follow).
 */
const ACCEPTED_WARNINGS = [
  'no-unused-components #/components/schemas/WsClientMessage',
  'no-unused-components #/components/schemas/WsServerMessage',
  'operation-2xx-response #/paths/~1v1~1ws/get/responses',
];

describe('the OpenAPI document', () => {
  let g: GatewayFixture;
  let spec: Json;
  let ops: [string, Operation][];
  const resolve = (node: Json): Json => {
    const ref = node.$ref as string | undefined;
    if (!ref) return node;
    return resolve(
      ref
        .slice(2)
        .split('/')
        .reduce<Json>((at, key) => at[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec),
    );
  };
  const op = (id: string) => ops.find(([, o]) => o.operationId === id)?.[1] as Operation;

  beforeAll(async () => {
    g = await startGateway();
    spec = (await (await g.call('/docs/json', { key: null })).json()) as Json;
    ops = Object.entries(spec.paths as Record<string, Record<string, Operation>>).flatMap(([p, item]) =>
      Object.entries(item).map(([method, o]) => [`${method.toUpperCase()} ${p}`, o] as [string, Operation]),
    );
  });
  afterAll(() => g?.close());

  it('passes redocly lint with the recommended rules: no errors, and only the warnings it explains', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-openapi-'));
    try {
      await writeFile(path.join(dir, 'openapi.json'), JSON.stringify(spec));
      // Its own config (no redocly.yaml is looked for), telemetry and update checks off: nothing leaves the machine.
      await writeFile(path.join(dir, 'redocly.yaml'), 'extends:\n  - recommended\ntelemetry: off\n');
      const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
      const args = ['lint', '--config', path.join(dir, 'redocly.yaml'), '--format=json', '--max-problems=1000', 'openapi.json'];
      // Exits non-zero when there are errors; the report is on stdout either way.
      const stdout = await run(REDOCLY, args, { cwd: dir, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }).then(
        (r) => r.stdout,
        (err: { stdout?: string }) => err.stdout ?? '',
      );
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number };
        problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
      };
      const listed = (severity: string) =>
        report.problems.filter((p) => p.severity === severity).map((p) => `${p.ruleId} ${p.location[0]?.pointer}`);
      expect(listed('error')).toEqual([]);
      expect(report.totals.errors).toBe(0);
      expect(listed('warn').sort()).toEqual(ACCEPTED_WARNINGS);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names every operation uniquely in camelCase, with a summary and declared, described tags', () => {
    expect(ops.length).toBeGreaterThan(30);
    const tags = new Map((spec.tags as { name: string; description?: string }[]).map((t) => [t.name, t.description]));
    for (const [where, o] of ops) {
      expect({ where, operationId: o.operationId }).toEqual({ where, operationId: expect.stringMatching(/^[a-z][A-Za-z]+$/) });
      expect({ where, summary: typeof o.summary }).toEqual({ where, summary: 'string' });
      for (const tag of o.tags as string[])
        expect({ where, tag, description: tags.get(tag) }).toEqual({ where, tag, description: expect.any(String) });
    }
    const ids = ops.map(([, o]) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['submitJob', 'getJob', 'listJobs', 'cancelJob', 'streamJobEvents', 'connectJobSocket']));
    expect(spec.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('documents POST /v1/jobs as one branch per built-in task, each with its registered input schema, plus custom types', () => {
    const body = resolve(op('submitJob').requestBody.content['application/json'].schema);
    const [builtInRef, customRef] = body.oneOf as Json[];
    const builtIn = resolve(builtInRef as Json);
    const branches = (builtIn.oneOf as Json[]).map(resolve);
    expect(branches.map((b) => b.properties.type.const).sort()).toEqual(Object.keys(taskCatalogue).sort());
    for (const branch of branches) {
      const type = branch.properties.type.const as string;
      expect(builtIn.discriminator.mapping[type]).toBe((builtIn.oneOf as Json[])[branches.indexOf(branch)]?.$ref);
      const task = getTask(type);
      if (!task) throw new Error(`no task ${type}`);
      const { $schema: _, ...registered } = declareTask(task).inputSchema;
      const { description: __, ...documented } = resolve(branch.properties.input);
      expect({ type, input: documented }).toEqual({ type, input: registered });
      expect(branch.required.includes('input')).toBe(!task.input.safeParse({}).success);
    }
    const custom = resolve(customRef as Json);
    expect(custom.properties.type.pattern).toBe(TASK_TYPE_PATTERN.source);
    expect(custom.properties.type.not.enum.sort()).toEqual(Object.keys(taskCatalogue).sort());
    expect(custom.properties.input.type).toBe('object');
    // Batch items and a schedule's job are the same kind of body.
    const batch = resolve(op('submitBatch').requestBody.content['application/json'].schema);
    expect(batch.properties.items.items).toEqual({ $ref: '#/components/schemas/JobSubmission' });
    const schedule = resolve(op('createSchedule').requestBody.content['application/json'].schema);
    expect(resolve(schedule.properties.job).oneOf).toHaveLength(2);
  });

  it('answers every error in the envelope, with Retry-After on 429 and 503, and 401 wherever a key is needed', async () => {
    const envelope = spec.components.schemas.ErrorResponse as Json;
    expect(envelope.properties.error.required).toEqual(['code', 'message']);
    for (const [where, o] of ops) {
      const statuses = Object.keys(o.responses);
      expect({ where, has4xx: statuses.some((s) => s.startsWith('4')) }).toEqual({ where, has4xx: true });
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const response = resolve(o.responses[status] as Json);
        expect({ where, status, schema: response.content?.['application/json']?.schema }).toEqual({
          where,
          status,
          schema: { $ref: '#/components/schemas/ErrorResponse' },
        });
        if (status === '429' || status === '503')
          expect({ where, status, header: !!response.headers?.['Retry-After'] }).toEqual({ where, status, header: true });
        for (const example of [response.content['application/json'].example].filter(Boolean)) ErrorResponse.parse(example);
      }
      const needsKey = ((o.security as Json[] | undefined) ?? spec.security).some((r: Json) => Object.keys(r).length > 0);
      expect({ where, needsKey, has401: '401' in o.responses }).toEqual({ where, needsKey, has401: needsKey });
    }
    // And the gateway really answers so.
    const res = await g.call('/v1/jobs/0196f0c2-6b1e-7c3a-9d2e-5f8a1b2c3d4e');
    expect(res.status).toBe(404);
    expect(ErrorResponse.safeParse(await res.json()).success).toBe(true);
  });

  it('takes the key in the URL only on the SSE and WebSocket routes, and none on health', () => {
    const open = ops.filter(([, o]) => Array.isArray(o.security) && o.security.length === 0).map(([where]) => where);
    // The dashboard's sign-in routes are the way to a session: public, the key in the body.
    expect(open.sort()).toEqual([
      'DELETE /v1/session',
      'GET /healthz',
      'GET /metrics',
      'GET /readyz',
      'GET /v1/session',
      'POST /v1/session',
    ]);
    const inUrl = ops.filter(([, o]) => (o.security as Json[] | undefined)?.some((r) => 'accessToken' in r)).map(([where]) => where);
    expect(inUrl.sort()).toEqual(['GET /v1/jobs/{id}/events', 'GET /v1/workflows/{id}/events', 'GET /v1/ws']);
    expect(spec.components.securitySchemes.accessToken).toMatchObject({ type: 'apiKey', in: 'query', name: 'access_token' });
  });

  it('describes the SSE stream and the WebSocket frames with the contracts’ schemas', () => {
    const sse = op('streamJobEvents').responses['200']?.content['text/event-stream'].schema;
    expect(sse.properties.data.contentSchema).toEqual({ $ref: '#/components/schemas/JobEvent' });
    expect(sse.properties.event.enum).toEqual(['state', 'progress']);
    const ws = op('connectJobSocket');
    expect(Object.keys(ws.responses)).toContain('101');
    expect(ws.description).toMatch(/subscribe/);
    expect(
      resolve(ws['x-websocket'].clientMessages)
        .oneOf.map((m: Json) => m.properties.type.const)
        .sort(),
    ).toEqual(['ping', 'subscribe', 'unsubscribe']);
    expect(
      resolve(ws['x-websocket'].serverMessages)
        .oneOf.map((m: Json) => m.properties.type.const)
        .sort(),
    ).toEqual(['error', 'job', 'pong']);
  });

  it('gives request examples that the routes and the tasks’ own schemas accept', () => {
    const examples = (id: string) =>
      Object.values(op(id).requestBody.content['application/json'].examples as Record<string, { value: any }>).map((e) => e.value);
    const input = (job: { type: string; input?: unknown }) => {
      const task = getTask(job.type);
      if (task) task.input.parse(job.input ?? {});
      else expect(job.type).toMatch(TASK_TYPE_PATTERN);
    };
    for (const job of examples('submitJob')) input(SubmitJobBody.parse(job));
    for (const batch of examples('submitBatch')) SubmitBatchBody.parse(batch).items.forEach(input);
    for (const schedule of examples('createSchedule')) input(CreateScheduleBody.parse(schedule).job);
    expect(examples('submitWorkflow').map((w) => SubmitWorkflowBody.safeParse(w).success)).toEqual([true, true]);
  });
});
