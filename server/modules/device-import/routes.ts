/** /api/devices/imports* and the import template: thin HTTP over the device-import service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams } from '../../../common/api';
import { DeviceImport } from '../../../common/api/installed-base';
import { AppError } from '../../platform/errors';
import { actorOf } from '../../platform/http';
import type { DeviceImportService } from './service';

export function deviceImportRoutes(app: FastifyInstance, deps: { deviceImport: DeviceImportService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['devices'];
  const { deviceImport } = deps;

  r.post(
    '/api/devices/imports',
    {
      config: { auth: 'devices.write', token: 'installed_base:write' },
      schema: {
        tags,
        summary: 'Check a device spreadsheet (multipart/form-data, field "file": .xlsx or .csv, at most 20,000 rows) and keep it as a preview; nothing is imported yet',
        consumes: ['multipart/form-data'],
        response: { 201: DeviceImport },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new AppError('device_import.file_required', 'Send the spreadsheet as multipart/form-data in a field named "file"');
      }
      const file = await request.file();
      if (!file) throw new AppError('device_import.file_required', 'No file in the request; send it in a multipart field named "file"');
      // toBuffer() throws FST_REQ_FILE_TOO_LARGE (413, keyed) beyond the upload limit.
      const bytes = await file.toBuffer();
      return reply.status(201).send(await deviceImport.preview(actorOf(request), { filename: file.filename, bytes }));
    },
  );
  r.get(
    '/api/devices/imports/:id',
    {
      config: { auth: 'devices.write', token: 'installed_base:read' },
      schema: { tags, summary: 'An import (its creator or an administrator), with the rows written so far while it runs', params: IdParams, response: { 200: DeviceImport } },
    },
    async (request) => deviceImport.get(actorOf(request), request.params.id),
  );
  r.post(
    '/api/devices/imports/:id/run',
    {
      config: { auth: 'devices.write', token: 'installed_base:write' },
      schema: {
        tags,
        summary: 'Import the checked rows: all in one transaction, in the background (poll GET for progress); all or nothing',
        params: IdParams,
        response: { 202: DeviceImport },
      },
    },
    async (request, reply) => reply.status(202).send(await deviceImport.run(actorOf(request), request.params.id)),
  );
  r.get(
    '/api/devices/import-template.xlsx',
    {
      config: { auth: 'devices.write', token: 'installed_base:read' },
      schema: { tags, summary: 'The import template: headers, an example row, a sheet 说明 with the formats and the product models' },
    },
    async (_request, reply) =>
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="device-import-template.xlsx"; filename*=UTF-8''${encodeURIComponent('设备导入模板.xlsx')}`)
        .header('cache-control', 'private, max-age=0')
        .send(await deviceImport.template()),
  );
}
