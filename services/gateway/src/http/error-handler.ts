import { ErrorCode, HTTP_STATUS_BY_CODE, type HttpErrorCode } from '@reelay/contracts';
import { ReelayError } from '@reelay/runtime';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpError } from './http-error.js';

/** Job-level codes that reach HTTP, and the status each means there. */
const statusByJobCode: Record<string, number> = {
  [ErrorCode.INVALID_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.ARTIFACT_NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.UNAVAILABLE]: 503,
};

/**
 * One place maps every failure to `{error:{code, message, details?}}` and a status.
 * 5xx answers hide internals: the log has them, the client gets a code.
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
      return reply
        .code(err.statusCode)
        .send({ error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
    }
    if (err instanceof ReelayError && statusByJobCode[err.code]) {
      return reply
        .code(statusByJobCode[err.code] ?? 400)
        .send({ error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
    }
    if (isNatsUnavailable(err)) {
      req.log.warn({ err }, 'NATS unavailable');
      return reply.code(503).send({ error: { code: 'UNAVAILABLE', message: 'the job store is unreachable; try again shortly' } });
    }
    const status = err.statusCode ?? 500;
    if (status === 413) return reply.code(413).send({ error: { code: 'PAYLOAD_TOO_LARGE', message: err.message } });
    if (status === 415) return reply.code(415).send({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: err.message } });
    if (status === 429) return reply.code(429).send({ error: { code: 'RATE_LIMITED', message: err.message } });
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: { code: codeForStatus(status), message: err.message } });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error; the gateway log has the details' } });
  });
}

function codeForStatus(status: number): string {
  const entry = Object.entries(HTTP_STATUS_BY_CODE).find(([, s]) => s === status);
  return (entry?.[0] as HttpErrorCode | undefined) ?? 'INVALID_INPUT';
}

/** nats.js errors when the server is gone: closed/draining connection, timeouts, no responders. */
export function isNatsUnavailable(err: unknown): boolean {
  const name = (err as Error)?.name ?? '';
  const message = String((err as Error)?.message ?? '');
  return (
    ['ClosedConnectionError', 'DrainingConnectionError', 'TimeoutError', 'NoRespondersError', 'RequestError', 'ConnectionError'].includes(
      name,
    ) || /connection (closed|draining)|timeout|no responders|disconnect/i.test(message)
  );
}
