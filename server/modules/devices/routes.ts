/** /api/devices: the installed base's units — list, finder, page, writes and the spreadsheet export. */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api';
import {
  Device,
  DeviceCreate,
  DeviceDetail,
  DeviceListQuery,
  DevicePage,
  DeviceSearchQuery,
  DeviceUpdate,
} from '../../../common/api/installed-base';
import { actorOf } from '../../platform/http';
import { EXPORT_LIMIT, exportLanguage } from './export';
import type { DeviceService } from './service';

/** The list's filters, no cursor; `lang` chooses the header and status words (else Accept-Language: zh…, else English). */
const DeviceExportQuery = DeviceListQuery.omit({ cursor: true, limit: true }).extend({ lang: z.enum(['zh', 'en']).optional() });

export function deviceRoutes(app: FastifyInstance, deps: { devices: DeviceService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['devices'];
  const read = { auth: 'installed_base.read', token: 'installed_base:read' } as const;
  const write = { auth: 'devices.write', token: 'installed_base:write' } as const;
  const { devices } = deps;

  r.get(
    '/api/devices',
    {
      config: read,
      schema: {
        tags,
        description:
          "Devices in serial-number order, keyset-paged (`nextCursor`). `q`: serial number or asset tag prefix, any case. `warranty` is judged on today's date in the desk's time zone. Customer users get their own organisation's devices only, whatever `customerId` says.",
        querystring: DeviceListQuery,
        response: { 200: DevicePage },
      },
    },
    async (request) => devices.list(actorOf(request), request.query),
  );
  r.get(
    '/api/devices/search',
    {
      config: read,
      schema: {
        tags,
        summary: "The hotline's device finder",
        description: 'Serial-number prefix matches first (in serial order), then asset-tag prefix matches; any case.',
        querystring: DeviceSearchQuery,
        response: { 200: z.array(Device) },
      },
    },
    async (request) => devices.search(actorOf(request), request.query),
  );
  r.get(
    '/api/devices/export.xlsx',
    {
      config: read,
      schema: {
        tags,
        summary: 'The devices matching the list filters as a spreadsheet',
        description: `Columns as the device import reads them (序列号, 产品型号 …), in that order, then one column per attribute key. At most ${EXPORT_LIMIT.toLocaleString('en')} rows (narrow the filters for more). Headers and status words in Chinese with \`lang=zh\` or an Accept-Language starting with zh, else English. Dates as YYYY-MM-DD text.`,
        querystring: DeviceExportQuery,
      },
    },
    async (request, reply) => {
      const { lang, ...filter } = request.query;
      const language = exportLanguage(lang, request.headers['accept-language']);
      const out = new PassThrough();
      devices.exportTo(actorOf(request), filter, language, out).catch((error: unknown) => {
        request.log.error({ err: error }, 'device export failed');
        out.destroy(error instanceof Error ? error : new Error(String(error)));
      });
      const name = language === 'zh' ? '设备.xlsx' : 'devices.xlsx';
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="devices.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`)
        .header('cache-control', 'private, max-age=0')
        .send(out);
    },
  );
  r.get(
    '/api/devices/:id',
    {
      config: read,
      schema: {
        tags,
        description: 'The device page: the device, its history (with the units it replaced and the tickets that named them, newest first), contracts covering it today, an open replacement proposal.',
        params: IdParams,
        response: { 200: DeviceDetail },
      },
    },
    async (request) => devices.get(actorOf(request), request.params.id),
  );
  r.post('/api/devices', { config: write, schema: { tags, body: DeviceCreate, response: { 201: Device } } }, async (request, reply) =>
    reply.status(201).send(await devices.create(actorOf(request), request.body)),
  );
  r.patch('/api/devices/:id', { config: write, schema: { tags, params: IdParams, body: DeviceUpdate, response: { 200: Device } } }, async (request) =>
    devices.update(actorOf(request), request.params.id, request.body),
  );
}
