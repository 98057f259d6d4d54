import {
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { WireError } from '@reelay/contracts';
import { Attr } from './attributes.js';
import { entryPackageVersion, processInstanceId } from './service-resource.js';

export interface TelemetryOptions {
  serviceName: string;
  /** `service.version`. @default the version in the entry point's package.json */
  serviceVersion?: string;
  /** `service.instance.id`. @default a random UUID for this process */
  instanceId?: string;
  /** OTLP/HTTP base URL; spans are recorded either way, exported only when set. */
  otlpEndpoint?: string | undefined;
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK for one process. Spans are always created (so trace ids
 * exist and propagate across NATS even without a collector); they are exported over
 * OTLP/HTTP when an endpoint is configured. Metrics and logs exporters are switched off
 * explicitly: the SDK would otherwise read OTEL_* variables behind our config's back.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }), scheduledDelayMillis: 500 }));
  } else {
    // The SDK registers no tracer provider without a processor, and then no trace ids exist.
    spanProcessors.push(new NoopSpanProcessor());
  }
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: resourceFromAttributes({
      [Attr.serviceName]: options.serviceName,
      [Attr.serviceVersion]: options.serviceVersion ?? entryPackageVersion(),
      [Attr.serviceInstanceId]: options.instanceId ?? processInstanceId,
    }),
    autoDetectResources: false,
    spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    contextManager: new AsyncLocalStorageContextManager(),
    textMapPropagator: new W3CTraceContextPropagator(),
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

export const tracer = () => trace.getTracer('reelay');

const setter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => carrier.set(key, value),
};
const getter: TextMapGetter<MsgHdrs | undefined> = {
  get: (carrier, key) => carrier?.get(key) || undefined,
  keys: (carrier) => carrier?.keys() ?? [],
};

/** Writes W3C trace context for `ctx` into NATS headers (creating them if needed). */
export function injectTrace(headers: MsgHdrs = natsHeaders(), ctx: Context = context.active()): MsgHdrs {
  propagation.inject(ctx, headers, setter);
  return headers;
}

export function extractTrace(headers: MsgHdrs | undefined): Context {
  return propagation.extract(context.active(), headers, getter);
}

/** Trace context as plain strings, to carry in a JSON record (workflows, delayed jobs). */
export function traceCarrier(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}
export function contextFromCarrier(carrier: Record<string, string> | undefined): Context {
  return propagation.extract(context.active(), carrier ?? {});
}

export function currentTraceId(): string | undefined {
  const id = trace.getSpan(context.active())?.spanContext().traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}

/** Runs `fn` in a span, recording an exception and error status when it throws. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Record<string, string | number | boolean>; parent?: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes ?? {} }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * A failure on `span` as the conventions want it: an `exception` event (type = the error
 * code, message, and `error.type`) and error status. For failures that arrive as a
 * WireError (a job attempt's outcome) rather than a thrown Error.
 */
export function recordFailure(span: Span, error: Pick<WireError, 'code' | 'message'>): void {
  span.recordException({ name: error.code, message: error.message });
  span.setAttribute(Attr.errorType, error.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

export { SpanKind, SpanStatusCode, context, trace };
export type { Context, Span };
