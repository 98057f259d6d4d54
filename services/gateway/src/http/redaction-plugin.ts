import { redactEncrypted } from '@reelay/contracts';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Sensitive input fields are ciphertext at rest (docs/operations.md); no gateway answer
 * shows even that: every REST body passes through here before it is serialized, and
 * each sealed value becomes `[redacted]`. The SSE and WebSocket routes write their own
 * frames and redact with the same function. Cheap when there is nothing to redact: the
 * walk copies only objects that hold a sealed value.
 */
export const redactionPlugin: FastifyPluginAsync = fp(async (app: FastifyInstance) => {
  // A callback hook: an async one costs a promise and a microtask turn per answer.
  app.addHook('preSerialization', (_req, _reply, payload, done) => done(null, redactEncrypted(payload)));
});
