import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { SESSION_COOKIE } from '@reelay/contracts';
import { AuditLog, type Logger } from '@reelay/runtime';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from './app-deps.js';
import { auditPlugin } from './audit/audit-plugin.js';
import { authPlugin } from './auth/auth-plugin.js';
import { sessionRoutes } from './auth/session-routes.js';
import { dashboardRoutes } from './dashboard/dashboard-routes.js';
import { throughputRoutes } from './dashboard/throughput-routes.js';
import { frameworkErrorHandler, installErrorHandler, unavailable } from './http/error-handler.js';
import { HttpError } from './http/http-error.js';
import { installJsonBodyParser } from './http/json-body.js';
import { openapiOptions } from './http/openapi.js';
import { tracingPlugin } from './http/tracing-plugin.js';
import { redactionPlugin } from './http/redaction-plugin.js';
import { artifactRoutes } from './routes/artifacts.js';
import { auditRoutes } from './routes/audit.js';
import { batchRoutes } from './routes/batches.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { delayedJobRoutes } from './routes/delayed-jobs.js';
import { healthRoutes } from './routes/health.js';
import { jobEventRoutes } from './routes/job-events.js';
import { jobSocketRoutes } from './routes/job-socket.js';
import { jobRoutes } from './routes/jobs.js';
import { queueRoutes } from './routes/queues.js';
import { scheduleRoutes } from './routes/schedules.js';
import { taskRoutes } from './routes/tasks.js';
import { usageRoutes } from './routes/usage.js';
import { workerRoutes } from './routes/workers.js';
import { workflowRoutes } from './routes/workflows.js';

/** The largest WebSocket frame a client may send: a subscribe of 1,000 ids fits easily. */
const WS_MAX_FRAME_BYTES = 64 * 1024;

/**
 * The gateway as a Fastify plugin tree, not listening: main.ts listens, tests may inject.
 * Every body and response is a zod schema from @reelay/contracts; the OpenAPI document
 * at /docs (/docs/json) is generated from the same schemas (see http/openapi.ts). Every route after the auth plugin declares
 * a scope or `public: true` (see auth-plugin.ts).
 */
/** The app buildApp makes: its logger is the runtime's pino, its routes typed by zod. */
export type GatewayApp = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger, ZodTypeProvider>;

export async function buildApp(deps: AppDeps, extraRoutes: ((app: FastifyInstance) => Promise<void>)[] = []): Promise<GatewayApp> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    disableRequestLogging: true,
    trustProxy: deps.config.TRUST_PROXY,
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installJsonBodyParser(app);
  // First, so that every route registered after it runs inside its request's server span.
  await app.register(tracingPlugin);

  await app.register(swagger, openapiOptions());
  // The OpenAPI document and its UI are public: their routes are marked so as they register.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
  await app.register(rateLimit, {
    max: deps.config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (req) => {
      // A key, or else a dashboard session (its cookie, read raw: cookies are parsed later).
      const auth = req.headers.authorization ?? sessionCookie(req.headers.cookie);
      return auth ? createHash('sha256').update(auth).digest('hex').slice(0, 16) : req.ip;
    },
    // Thrown, so the error handler answers it in the envelope with Retry-After.
    errorResponseBuilder: (_req, ctx) =>
      new HttpError(
        'RATE_LIMITED',
        `rate limit of ${ctx.max} requests per minute exceeded; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        undefined,
        ctx.ttl,
      ),
  });
  await app.register(websocket, { options: { maxPayload: WS_MAX_FRAME_BYTES } });
  await app.register(authPlugin, {
    keys: deps.keys,
    failuresPerMinute: deps.config.AUTH_FAILURES_PER_MINUTE,
    sessionSecret: deps.config.SESSION_SECRET,
    sessionTtlMs: deps.config.SESSION_TTL_MS,
  });
  // While NATS is disconnected every call would wait out its 10 s timeout before failing:
  // a request to the API is answered 503 (with Retry-After) at once instead.
  app.addHook('preHandler', async (req, reply) => {
    if (req.routeOptions.config?.scope && !deps.ctx.connected()) return unavailable(reply);
  });

  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.requests.inc({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  // Before the routes: its hooks record every audited request (audit/audit-actions.ts).
  const audit = new AuditLog(deps.ctx);
  await app.register(auditPlugin, { deps, log: audit });
  await app.register(redactionPlugin);

  await app.register(healthRoutes(deps));
  await app.register(jobRoutes(deps));
  await app.register(usageRoutes(deps));
  await app.register(jobEventRoutes(deps));
  await app.register(jobSocketRoutes(deps));
  await app.register(batchRoutes(deps));
  await app.register(queueRoutes(deps));
  await app.register(workerRoutes(deps));
  await app.register(deadLetterRoutes(deps));
  await app.register(artifactRoutes(deps));
  await app.register(dashboardRoutes());
  await app.register(sessionRoutes({ traceUrlTemplate: deps.config.DASHBOARD_TRACE_URL_TEMPLATE }));
  await app.register(throughputRoutes(deps));
  await app.register(workflowRoutes(deps));
  await app.register(delayedJobRoutes(deps));
  await app.register(scheduleRoutes(deps));
  await app.register(taskRoutes(deps));
  await app.register(auditRoutes(audit));
  for (const routes of extraRoutes) await app.register(routes as never);
  return app;
}

function sessionCookie(header: string | undefined): string | undefined {
  return header
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
}
