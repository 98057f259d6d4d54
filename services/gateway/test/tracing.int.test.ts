/**
 * Traces as OpenTelemetry's semantic conventions describe them, exported over OTLP to a
 * real HTTP receiver: the gateway's HTTP server spans, a caller's traceparent continued
 * through POST /v1/jobs into the worker's process span, messaging attributes on the
 * send and process spans, service.version and service.instance.id on every resource,
 * and failed attempts recorded as exception events.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, SCHEDULER, startGateway } from './gateway-fixture.js';

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
type OtlpAttr = { key: string; value: OtlpValue };
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, string | undefined>;
  resource: Record<string, string | undefined>;
  status: { code?: number; message?: string };
  events: { name: string; attributes: Record<string, string | undefined> }[];
}

const flat = (attrs: OtlpAttr[] = []) =>
  Object.fromEntries(
    attrs.map((a) => [a.key, a.value.stringValue ?? (a.value.intValue === undefined ? undefined : String(a.value.intValue))]),
  );

/** An OTLP/HTTP JSON receiver (what Jaeger's 4318 port accepts), keeping resources and events. */
function startOtlpReceiver(): Promise<{ server: Server; url: string; spans: ExportedSpan[] }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      type Raw = Omit<ExportedSpan, 'attributes' | 'resource' | 'events'> & {
        attributes?: OtlpAttr[];
        events?: { name: string; attributes?: OtlpAttr[] }[];
      };
      const parsed = JSON.parse(body) as { resourceSpans: { resource: { attributes: OtlpAttr[] }; scopeSpans: { spans: Raw[] }[] }[] };
      for (const rs of parsed.resourceSpans) {
        const resource = flat(rs.resource.attributes);
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              ...s,
              attributes: flat(s.attributes),
              resource,
              events: (s.events ?? []).map((e) => ({ name: e.name, attributes: flat(e.attributes) })),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans })),
  );
}

// OTLP SpanKind and status codes.
const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;
const STATUS_ERROR = 2;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('tracing conventions across the gateway and a worker', () => {
  let gw: GatewayFixture;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    gw = await startGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url });
    // The fixture's scheduler exports nothing: replace it with one that exports to the receiver.
    await gw.system.processes[0]?.kill();
    await gw.system.startService(SCHEDULER, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url }, /scheduler ready/);
  });
  afterAll(async () => {
    await gw?.close();
    otlp?.server.close();
  });

  const spanOf = (what: string, find: (s: ExportedSpan) => boolean) =>
    waitUntil(() => otlp.spans.find(find), { what: `${what} exported`, timeoutMs: 20_000 });

  it('POST /v1/jobs continues the caller’s traceparent: server span → send span → the worker’s process span, one trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const res = await gw.call('/v1/jobs', {
      method: 'POST',
      json: { type: 'system.noop', input: {} },
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01`, 'user-agent': 'tracing-test/1' },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const job = await gw.system.waitForStatus(id, ['succeeded']);
    expect(job.traceId).toBe(traceId);

    const server = await spanOf('server span', (s) => s.traceId === traceId && s.kind === SERVER);
    expect(server.name).toBe('POST /v1/jobs');
    expect(server.parentSpanId).toBe(callerSpanId);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/jobs',
      'http.response.status_code': '202',
      'url.path': '/v1/jobs',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'client.address': '127.0.0.1',
      'user_agent.original': 'tracing-test/1',
      'network.protocol.version': '1.1',
    });
    expect(server.status.code ?? 0).not.toBe(STATUS_ERROR);
    expect(server.resource['service.name']).toBe('gateway');
    expect(server.resource['service.version']).toBe('0.1.0');
    expect(server.resource['service.instance.id']).toMatch(UUID);

    const send = await spanOf('send span', (s) => s.traceId === traceId && s.kind === PRODUCER);
    expect(send.parentSpanId).toBe(server.spanId);
    expect(send.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'jobs.system.normal',
    });

    const process = await spanOf('process span', (s) => s.traceId === traceId && s.kind === CONSUMER);
    expect(process.parentSpanId).toBe(send.spanId);
    expect(process.name).toBe('process system.noop');
    expect(process.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'jobs.system.normal',
      'reelay.job.id': id,
    });
    expect(process.resource['service.name']).toBe('scheduler');
    expect(process.resource['service.version']).toBe('0.1.0');
    expect(process.resource['service.instance.id']).toMatch(UUID);
    expect(process.resource['service.instance.id']).not.toBe(server.resource['service.instance.id']);
  });

  it('POST /v1/workflows makes one server span, joined to the caller, that its step jobs run under', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const callerSpanId = 'b7ad6b7169203331';
    const res = await gw.call('/v1/workflows', {
      method: 'POST',
      json: { steps: [{ id: 'a', type: 'system.noop', input: {} }] },
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    expect(res.status).toBe(202);
    const server = await spanOf('workflow server span', (s) => s.traceId === traceId && s.kind === SERVER);
    expect(server).toMatchObject({ name: 'POST /v1/workflows', parentSpanId: callerSpanId });
    // The step's process span lands in the same trace; by then every gateway span is exported.
    await spanOf('step process span', (s) => s.traceId === traceId && s.kind === CONSUMER);
    expect(otlp.spans.filter((s) => s.traceId === traceId && s.kind === SERVER)).toHaveLength(1);
  });

  it('without a traceparent a request starts its own trace, and a 4xx is not a server error', async () => {
    const res = await gw.call('/v1/jobs', { method: 'POST', json: { type: 'system.noop', input: { extra: 1 }, priority: 99 } });
    expect(res.status).toBe(400);
    const server = await spanOf(
      'a 400 server span',
      (s) => s.kind === SERVER && s.name === 'POST /v1/jobs' && s.attributes['http.response.status_code'] === '400',
    );
    expect(server.parentSpanId ?? '').toBe('');
    expect(server.status.code ?? 0).not.toBe(STATUS_ERROR);
    expect(server.attributes['error.type']).toBeUndefined();

    const unknown = await gw.call('/v1/no-such-route', {});
    expect(unknown.status).toBe(404);
  });

  it('a failed attempt records an exception event and error status on its process span', async () => {
    const res = await gw.call('/v1/jobs', {
      method: 'POST',
      json: { type: 'system.sleep', input: { ms: 1, steps: 1, failAttempts: 5 }, maxAttempts: 1 },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const job = await gw.system.waitForStatus(id, ['failed']);
    const process = await spanOf('failed process span', (s) => s.kind === CONSUMER && s.attributes['reelay.job.id'] === id);
    expect(process.traceId).toBe(job.traceId);
    expect(process.status.code).toBe(STATUS_ERROR);
    const exception = process.events.find((e) => e.name === 'exception');
    expect(exception?.attributes['exception.type']).toBe('TRANSIENT');
    expect(exception?.attributes['exception.message']).toContain('failing attempt 1');
    expect(process.attributes['error.type']).toBe('TRANSIENT');
  });

  it('probes and scrapes make no spans', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await gw.call(path, { key: null })).status).toBe(200);
    // The requests above were answered; a span for them would have been ended and sent with the next batch.
    await gw.call('/v1/jobs/not-a-job', {});
    await spanOf('the marker request', (s) => s.kind === SERVER && s.attributes['url.path'] === '/v1/jobs/not-a-job');
    expect(otlp.spans.filter((s) => ['/healthz', '/readyz', '/metrics'].includes(s.attributes['url.path'] ?? ''))).toEqual([]);
  });
});
