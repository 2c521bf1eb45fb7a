/**
 * POST /api/admin/backup: the running server writes a backup of its embedded database and
 * attachments as the response (admins, or an API token with the `admin` scope — what
 * `npm run backup` uses while the server runs). PostgreSQL desks get 409 with the pg_dump advice.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/client';
import type { Clock } from '../platform/clock';
import { takeSnapshot, writeBackupArchive } from './backup';

export function backupRoutes(app: FastifyInstance, deps: { database: Database; dataDir: string; clock: Clock; appVersion: string }) {
  app.post(
    '/api/admin/backup',
    {
      config: { auth: 'system.backup', token: 'admin' },
      schema: {
        tags: ['system'],
        summary: 'Back up the embedded database and the attachments (a .tar.gz streamed as the response)',
        produces: ['application/gzip'],
      },
    },
    async (request, reply) => {
      const now = deps.clock.now();
      // The snapshot is taken before the first byte is sent, so its failures are ordinary errors.
      const snapshot = await takeSnapshot(deps.database, deps.dataDir, { appVersion: deps.appVersion, now });
      request.log.info({ attachments: snapshot.manifest.attachments, databaseBytes: snapshot.manifest.database.bytes }, 'backup taken');
      const body = new PassThrough();
      writeBackupArchive(snapshot, body).catch((error: Error) => {
        request.log.error({ err: error }, 'backup stream failed');
        body.destroy(error);
      });
      const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      return reply
        .header('content-type', 'application/gzip')
        .header('content-disposition', `attachment; filename="fuwutai-backup-${stamp}.tar.gz"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
}
