/** /api/audit: the audit trail, for administrators, managers and quality assurance, scoped like the objects it describes. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditEntry, AuditQuery } from '../../../common/api';
import type { Db } from '../../db/client';
import { actorOf } from '../../platform/http';
import type { Audit } from './index';

export function auditRoutes(app: FastifyInstance, deps: { audit: Audit; db: Db }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/audit',
    {
      config: { auth: 'audit.read', token: 'audit:read' },
      schema: {
        tags: ['audit'],
        querystring: AuditQuery,
        response: { 200: z.array(AuditEntry) },
      },
    },
    async (request) => {
      const rows = await deps.audit.list(deps.db, actorOf(request), request.query);
      return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
    },
  );
}
