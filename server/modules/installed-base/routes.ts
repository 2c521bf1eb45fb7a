/** The installed base on tickets: naming devices, replacement proposals, installed-base settings (issue 11). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  IdParams,
  InstalledBaseSettings,
  REPLACEMENT_STATUSES,
  ReplacementDecision,
  ReplacementProposal,
  Ticket,
  TicketDevicesSet,
} from '../../../common/api';
import { actorOf } from '../../platform/http';
import type { InstalledBaseService } from './service';

export function installedBaseRoutes(app: FastifyInstance, deps: { installedBase: InstalledBaseService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { installedBase } = deps;
  r.put(
    '/api/tickets/:id/devices',
    {
      config: { auth: 'devices.write', token: 'tickets:write' },
      schema: {
        tags: ['tickets'],
        summary: 'Name the devices a ticket concerns (in order); its entitlement is judged again',
        params: IdParams,
        body: TicketDevicesSet,
        response: { 200: Ticket },
      },
    },
    async (request) => installedBase.setTicketDevices(actorOf(request), request.params.id, request.body),
  );
  r.get(
    '/api/replacements',
    {
      config: { auth: 'replacements.decide', token: 'installed_base:read' },
      schema: {
        tags: ['installed-base'],
        summary: 'Replacement proposals of the second-failure rule, pending first',
        querystring: z.object({ status: z.enum(REPLACEMENT_STATUSES).optional() }),
        response: { 200: z.array(ReplacementProposal) },
      },
    },
    async (request) => installedBase.listProposals(actorOf(request), request.query.status),
  );
  r.post(
    '/api/replacements/:id/decision',
    {
      config: { auth: 'replacements.decide', token: 'installed_base:write' },
      schema: { tags: ['installed-base'], params: IdParams, body: ReplacementDecision, response: { 200: ReplacementProposal } },
    },
    async (request) => installedBase.decide(actorOf(request), request.params.id, request.body),
  );
  r.get(
    '/api/settings/installed-base',
    {
      config: { auth: 'replacements.decide', token: 'installed_base:read' },
      schema: { tags: ['installed-base'], summary: 'The second-failure rule and renewal reminders', response: { 200: InstalledBaseSettings } },
    },
    async () => installedBase.settings(),
  );
  r.put(
    '/api/settings/installed-base',
    {
      config: { auth: 'replacements.decide', token: 'installed_base:write' },
      schema: { tags: ['installed-base'], body: InstalledBaseSettings, response: { 200: InstalledBaseSettings } },
    },
    async (request) => installedBase.saveSettings(actorOf(request), request.body),
  );
}
