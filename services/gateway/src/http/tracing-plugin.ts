import { Attr, type Context, contextFromCarrier, context, type Span, SpanKind, SpanStatusCode, trace, tracer } from '@reelay/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Probes and scrapes: answered often, say nothing about a request's path through the system. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

interface RequestSpan {
  span: Span;
  ctx: Context;
}

/**
 * One HTTP server span per request, named and described by the OpenTelemetry HTTP
 * semantic conventions (`{method} {route}`, `http.request.method`, `http.route`,
 * `http.response.status_code`, `url.path`, `url.scheme`, `server.*`, `client.address`,
 * `user_agent.original`; `error.type` and error status for 5xx only — a 4xx is the
 * caller's mistake, not the server's). A caller's W3C `traceparent`/`tracestate` is
 * continued: the span is its child, so `POST /v1/jobs` joins the caller's trace and the
 * job's send and process spans follow under it.
 *
 * The route handler runs inside the span's context (each handler is wrapped as routes
 * register), so everything it starts — the job client's producer span, a workflow's
 * root — nests under it. Not traced: /healthz, /readyz, /metrics. `url.query` is left
 * out on purpose: a query may carry a token (SSE and WebSocket clients that cannot set
 * headers).
 */
export const tracingPlugin = fp(
  async (app: FastifyInstance) => {
    const spans = new WeakMap<FastifyRequest, RequestSpan>();

    app.addHook('onRoute', (route) => {
      const handler = route.handler;
      route.handler = function tracedHandler(this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
        const entry = spans.get(req);
        return entry ? context.with(entry.ctx, () => handler.call(this, req, reply)) : handler.call(this, req, reply);
      };
    });

    // Callback hooks, not async ones, here and below: each request runs through every hook,
    // and an async hook costs a promise and a microtask turn per request.
    app.addHook('onRequest', (req, _reply, done) => {
      startSpan(req);
      done();
    });

    const startSpan = (req: FastifyRequest) => {
      const path = req.url.split('?')[0] ?? req.url;
      if (UNTRACED.has(path)) return;
      const route = req.routeOptions.url;
      const parent = contextFromCarrier(traceHeaders(req.headers));
      const attributes: Record<string, string | number> = {
        [Attr.httpRequestMethod]: req.method,
        [Attr.urlPath]: path,
        [Attr.urlScheme]: req.protocol,
        [Attr.serverAddress]: req.hostname,
        [Attr.clientAddress]: req.ip,
        [Attr.networkProtocolVersion]: req.raw.httpVersion,
      };
      if (route) attributes[Attr.httpRoute] = route;
      if (req.port) attributes[Attr.serverPort] = req.port;
      const agent = req.headers['user-agent'];
      if (agent) attributes[Attr.userAgentOriginal] = agent;
      const span = tracer().startSpan(route ? `${req.method} ${route}` : req.method, { kind: SpanKind.SERVER, attributes }, parent);
      spans.set(req, { span, ctx: trace.setSpan(parent, span) });
    };

    app.addHook('onError', (req, _reply, err, done) => {
      spans.get(req)?.span.recordException(err);
      done();
    });

    const end = (req: FastifyRequest, status: number | undefined) => {
      const entry = spans.get(req);
      if (!entry) return;
      spans.delete(req);
      const { span } = entry;
      if (status === undefined) {
        // The client went away before an answer: no status code to report.
        span.setAttribute(Attr.errorType, 'aborted');
      } else {
        span.setAttribute(Attr.httpResponseStatusCode, status);
        if (status >= 500) {
          span.setAttribute(Attr.errorType, String(status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      }
      span.end();
    };
    app.addHook('onResponse', (req, reply, done) => {
      end(req, reply.statusCode);
      done();
    });
    app.addHook('onRequestAbort', (req, done) => {
      end(req, undefined);
      done();
    });
  },
  { name: 'reelay-tracing' },
);

/** The W3C trace context headers of a request, as a carrier for the propagator. */
export function traceHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const carrier: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = headers[name];
    if (typeof value === 'string') carrier[name] = value;
  }
  return carrier;
}
