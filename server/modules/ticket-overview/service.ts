/**
 * The ticket page's opening read (GET /api/tickets/:id/overview): the ticket and what its panels
 * show — timeline, attachments, relations, escalations, assignee candidates, canned replies,
 * calendars, visits, engineers and service records — in one response instead of a request each. Every part comes from the very service
 * function its own route calls, with the same reader, so scope and visibility (a customer's
 * public-only timeline and attachments, no relations but mergedInto) are that route's. Which
 * optional parts the reader may have is the route's decision (`OverviewParts`).
 */
import { OVERVIEW_ASSIGNEE_LIMIT, type TicketOverview } from '../../../common/api';
import type { Actor } from '../../platform/actor';
import type { AssigneeService } from '../assignees/service';
import type { MacroService } from '../macros/service';
import type { ServiceRecordService } from '../service-records/service';
import type { SlaService } from '../sla/service';
import type { TicketLinkService } from '../ticket-links/service';
import type { AttachmentService } from '../tickets/attachments';
import type { TicketService } from '../tickets/service';
import type { CalendarService } from '../time-rules/calendars';
import type { TicketEngineerService } from '../ticket-engineers/service';
import type { VisitService } from '../visits/service';

/** The parts only some readers may ask for: true where the reader could call that part's own route. */
export interface OverviewParts {
  escalations: boolean;
  assignees: boolean;
  macros: boolean;
  calendars: boolean;
  visits: boolean;
  engineers: boolean;
  serviceRecords: boolean;
}

export function createTicketOverview(deps: {
  tickets: Pick<TicketService, 'get' | 'events'>;
  attachments: Pick<AttachmentService, 'list'>;
  ticketLinks: Pick<TicketLinkService, 'relations'>;
  sla: Pick<SlaService, 'escalations'>;
  assignees: Pick<AssigneeService, 'list'>;
  macros: Pick<MacroService, 'list'>;
  calendars: Pick<CalendarService, 'list'>;
  visits: Pick<VisitService, 'listForTicket'>;
  ticketEngineers: Pick<TicketEngineerService, 'list'>;
  serviceRecords: Pick<ServiceRecordService, 'listForTicket'>;
}) {
  const unless = <T>(allowed: boolean, read: () => Promise<T>): Promise<T | null> => (allowed ? read() : Promise.resolve(null));

  return {
    async get(actor: Actor, id: string, parts: OverviewParts): Promise<TicketOverview> {
      // The ticket first: 404 for one the reader may not see, before anything else is read.
      const ticket = await deps.tickets.get(actor, id);
      // A closed or cancelled ticket is assigned to nobody any more: the page offers no picker.
      const assignable = parts.assignees && ticket.status !== 'closed' && ticket.status !== 'cancelled';
      const [events, attachments, relations, escalations, assignees, macros, calendars, visits, engineers, serviceRecords] = await Promise.all([
        deps.tickets.events(actor, id),
        deps.attachments.list(actor, id),
        deps.ticketLinks.relations(actor, id),
        unless(parts.escalations, () => deps.sla.escalations(actor, id)),
        unless(assignable, () => deps.assignees.list(actor, id, { limit: OVERVIEW_ASSIGNEE_LIMIT })),
        unless(parts.macros, () => deps.macros.list(actor, {})),
        unless(parts.calendars, () => deps.calendars.list()),
        unless(parts.visits, () => deps.visits.listForTicket(actor, id)),
        unless(parts.engineers, () => deps.ticketEngineers.list(actor, id)),
        unless(parts.serviceRecords, () => deps.serviceRecords.listForTicket(actor, id)),
      ]);
      return { ticket, events, attachments, relations, escalations, assignees, macros, calendars, visits, engineers, serviceRecords };
    },
  };
}

export type TicketOverviewService = ReturnType<typeof createTicketOverview>;
