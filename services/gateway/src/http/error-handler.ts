import { ErrorCode, HTTP_STATUS_BY_CODE, type HttpErrorCode } from '@reelay/contracts';
import { isNatsUnavailable, ReelayError } from '@reelay/runtime';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpError } from './http-error.js';

/** Job-level codes that reach HTTP, and the status each means there. */
const statusByJobCode: Record<string, number> = {
  [ErrorCode.INVALID_INPUT]: 400,
  // A task type no worker has registered: the caller's mistake, not the gateway's.
  [ErrorCode.UNKNOWN_TASK]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.ARTIFACT_NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.UNAVAILABLE]: 503,
  // The request is sound; this gateway cannot take it as configured (no key to seal the
  // task's sensitive fields). Nothing was written, so sending it again is safe, but
  // waiting does not help: no Retry-After.
  [ErrorCode.ENCRYPTION_KEY_MISSING]: 503,
};

/** Codes that mean this process is misconfigured: logged for the operator, answered without Retry-After. */
const configurationFaults: ReadonlySet<string> = new Set([ErrorCode.ENCRYPTION_KEY_MISSING]);

/** What a 503 tells a client to wait: NATS reconnects every half second. */
const UNAVAILABLE_RETRY_AFTER_MS = 1_000;

type Reply = FastifyReply<any, any, any, any, any, any, any, any>;

/**
 * One place maps every failure to `{error:{code, message, details?}}` and a status.
 * 5xx answers hide internals: the log has them, the client gets a code. 429 and 503
 * answers carry Retry-After.
 */
export function installErrorHandler(app: FastifyInstance<any, any, any, any, any>): void {
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
  app.setErrorHandler((err: FastifyError & { code?: string }, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: `${err.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`,
        message: v.message,
      }));
      return reply.code(400).send({
        error: { code: 'INVALID_INPUT', message: details.map((d) => `${d.path}: ${d.message}`).join('; '), details },
      });
    }
    if (err instanceof HttpError) {
      if (err.retryAfterMs !== undefined) retryAfter(reply, err.retryAfterMs);
      else if (err.statusCode === 503) retryAfter(reply, UNAVAILABLE_RETRY_AFTER_MS);
      return reply
        .code(err.statusCode)
        .send({ error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
    }
    if (err instanceof ReelayError && statusByJobCode[err.code]) {
      const status = statusByJobCode[err.code] ?? 400;
      if (configurationFaults.has(err.code)) req.log.warn({ err }, 'refused: the gateway is not configured for this request');
      else if (status === 503) retryAfter(reply, UNAVAILABLE_RETRY_AFTER_MS);
      return reply
        .code(status)
        .send({ error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
    }
    if (isNatsUnavailable(err)) {
      req.log.warn({ err }, 'NATS unavailable');
      return unavailable(reply);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendStatus(reply, status, err.message);
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error; the gateway log has the details' } });
  });
}

/**
 * Fastify's `frameworkErrors`: failures before a route is found (a malformed %-escape,
 * a path parameter past maxParamLength) answer in the same envelope as everything else.
 */
export function frameworkErrorHandler(err: FastifyError, _req: FastifyRequest, reply: Reply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  sendStatus(reply, status, err.message);
}

/** The standard 503 answer: the job store cannot be reached now. */
export function unavailable(reply: Reply, message = 'the job store is unreachable; try again shortly'): Reply {
  retryAfter(reply, UNAVAILABLE_RETRY_AFTER_MS);
  return reply.code(503).send({ error: { code: 'UNAVAILABLE', message } });
}

function sendStatus(reply: Reply, status: number, message: string): Reply {
  return reply.code(status).send({ error: { code: codeForStatus(status), message } });
}

function retryAfter(reply: Reply, ms: number): void {
  reply.header('retry-after', String(Math.max(1, Math.ceil(ms / 1000))));
}

function codeForStatus(status: number): HttpErrorCode {
  const entry = Object.entries(HTTP_STATUS_BY_CODE).find(([, s]) => s === status);
  return (entry?.[0] as HttpErrorCode | undefined) ?? 'INVALID_INPUT';
}
