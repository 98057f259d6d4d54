import { type AuditEntry, auditOutcome } from '@reelay/contracts';
import { AuditLog } from '@reelay/runtime';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeys, Principal } from '../auth/api-keys.js';
import type { AppDeps } from '../app-deps.js';
import { auditedAction } from './audit-actions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * What the audit record says of the target: set by a route that knows it (a submitted
     * job's id and project), else learnt from the response body by the audit hook.
     */
    auditFacts?: { target?: string; project?: string; errorCode?: string };
  }
}

/** Bodies larger than this are not parsed for a target id (a created resource's body is small). */
const MAX_PARSED_PAYLOAD = 256 * 1024;

/**
 * The audit log, from one place: an onSend hook reads what the response says (the id and
 * project of what was created, the error code of a refusal) and writes one record per
 * audited request (audit-actions.ts) before the answer goes out, so a client that has its
 * answer can find the record, and a gateway killed after answering has not lost it (one
 * JetStream publish of latency; the action itself is already done). Too many requests
 * (429) are not recorded: the failed-auth and rate limits already bound them, and a flood
 * would only bury the log.
 *
 * A record that cannot be written (NATS down, or the publish failed) is logged in full at
 * error level, so the process log still has it; the answer is sent either way. While NATS
 * is disconnected the write is not waited for (it would hold every answer for the
 * publish timeout).
 */
export interface AuditPluginOptions {
  deps: AppDeps;
  log?: AuditLog;
}

export const auditPlugin: FastifyPluginAsync<AuditPluginOptions> = fp(async (app: FastifyInstance, opts: AuditPluginOptions) => {
  const { deps } = opts;
  const log = opts.log ?? new AuditLog(deps.ctx);
  await log.ensure({ maxAgeMs: deps.config.AUDIT_MAX_AGE_DAYS * 86_400_000, replicas: deps.config.STREAM_REPLICAS });

  // A callback hook: every answer passes through it, and most are not audited; an async
  // hook costs each a promise and a microtask turn.
  app.addHook('onSend', (req, reply, payload, done) => {
    const action = auditedAction(req.method, req.routeOptions.url);
    if (!action || reply.statusCode === 429) return done(null, payload);
    // A route that knows its target says so (`req.auditFacts`); the body is read otherwise.
    if (req.auditFacts === undefined && typeof payload === 'string' && payload.length <= MAX_PARSED_PAYLOAD) {
      req.auditFacts = responseFacts(payload, reply.statusCode);
    }
    const entry = auditEntry(req, action, reply.statusCode, deps.keys);
    const written = log.write(entry).catch((err) => {
      req.log.error({ err, audit: entry }, 'audit record not written');
    });
    if (!deps.ctx.connected()) return done(null, payload);
    void written.then(() => done(null, payload));
  });
});

/** What an audited response's JSON body says about its target. */
function responseFacts(payload: string, status: number): FastifyRequest['auditFacts'] {
  try {
    const body = JSON.parse(payload) as { id?: unknown; project?: unknown; error?: { code?: unknown } };
    return {
      ...(typeof body.id === 'string' ? { target: body.id } : {}),
      ...(typeof body.project === 'string' ? { project: body.project } : {}),
      ...(status >= 400 && typeof body.error?.code === 'string' ? { errorCode: body.error.code } : {}),
    };
  } catch {
    // Not JSON: nothing to learn from it.
    return {};
  }
}

/**
 * The key of a refused request: the auth hook throws before it sets `req.principal`
 * when a valid key lacks the scope, and who was refused is what the log is for.
 */
function refusedKey(req: FastifyRequest, keys: ApiKeys): Principal | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? keys.authenticate(header.slice('Bearer '.length).trim()) : undefined;
}

function auditEntry(req: FastifyRequest, action: AuditEntry['action'], status: number, keys: ApiKeys): AuditEntry {
  const principal = (req.principal as Principal | undefined) ?? (status === 403 ? refusedKey(req, keys) : undefined);
  const params = (req.params ?? {}) as Record<string, unknown>;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const facts = req.auditFacts ?? {};
  const paramTarget = typeof params.id === 'string' ? params.id : typeof params.name === 'string' ? params.name : undefined;
  const onlyProject = principal && principal.projects.length === 1 && principal.projects[0] !== '*' ? principal.projects[0] : undefined;
  const project = facts.project ?? (typeof body.project === 'string' ? body.project : undefined) ?? onlyProject;
  const target = paramTarget ?? facts.target;
  return {
    at: new Date().toISOString(),
    action,
    outcome: auditOutcome(status),
    status,
    ...(principal ? { key: { name: principal.name, id: principal.keyId } } : {}),
    ...(project !== undefined ? { project } : {}),
    ...(target !== undefined ? { target } : {}),
    method: req.method,
    route: req.routeOptions.url ?? req.url,
    requestId: req.id,
    ip: req.ip,
    ...(facts.errorCode !== undefined ? { errorCode: facts.errorCode } : {}),
  };
}
