import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inSpan, SpanKind, startTelemetry, type Telemetry } from '../src/telemetry/tracing.js';
import { waitUntil } from '../src/testing/wait-until.js';
import { type Harness, startHarness } from './harness.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string } }[];
}

/** A minimal OTLP/HTTP JSON receiver: what Jaeger's 4318 port accepts. */
function startOtlpReceiver(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of parsed.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans })),
  );
}

describe('tracing across NATS', () => {
  let h: Harness;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let telemetry: Telemetry;
  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    telemetry = startTelemetry({ serviceName: 'test-client', otlpEndpoint: otlp.url });
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
    await telemetry.shutdown();
    otlp.server.close();
  });

  it('a job’s process span is a child of its producer span, in the same trace, exported over OTLP', async () => {
    const w = await h.startWorker({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, LOG_LEVEL: 'debug' });
    const { job } = await inSpan('test root', { kind: SpanKind.SERVER }, () => h.client.enqueue({ type: 'test.echo', input: { t: 1 } }));
    expect(job.traceId).toMatch(/^[0-9a-f]{32}$/);
    await h.waitForStatus(job.id, ['succeeded']);
    const process = await waitUntil(() => otlp.spans.find((s) => s.name === 'process test.echo' && s.traceId === job.traceId), {
      what: 'process span exported',
    });
    const producer = await waitUntil(() => otlp.spans.find((s) => s.name === 'send test' && s.traceId === job.traceId));
    expect(process.parentSpanId).toBe(producer.spanId);
    const attrs = Object.fromEntries(process.attributes.map((a) => [a.key, a.value.stringValue ?? a.value.intValue]));
    expect(attrs['messaging.system']).toBe('nats');
    expect(attrs['messaging.operation.type']).toBe('process');
    expect(attrs['reelay.job.id']).toBe(job.id);
    // The worker's log lines for this job carry the same trace id.
    await w.waitFor(new RegExp(`"job_id":"${job.id}".*"trace_id":"${job.traceId}"`));
  });
});
