import { AuditListResponse, AuditQuery, ErrorResponse } from '@reelay/contracts';
import type { AuditLog } from '@reelay/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** GET /v1/audit: the audit log, for admins only (a record names keys and projects across tenants). */
export const auditRoutes =
  (log: AuditLog): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/audit',
      {
        config: { scope: 'admin' },
        schema: {
          tags: ['audit'],
          operationId: 'listAuditRecords',
          summary: 'Who did what: audit records, oldest first, filtered by project, action, key, target, outcome and time',
          querystring: AuditQuery,
          response: { 200: AuditListResponse, 403: ErrorResponse },
        },
      },
      async (req) => log.query(req.query),
    );
  };
