/**
 * The ticket page's opening read: everything the page shows when it opens, in one response. Each
 * part is exactly what its own route answers (the route named beside it), for the same reader; a
 * part the reader may not ask for on its own is null, not empty.
 */
import { z } from 'zod';
import { Calendar } from './calendars';
import { ServiceRecord, TicketEngineer, Visit } from './field-service';
import { AssigneeList, Macro } from './macros';
import { TicketRelations } from './ticket-links';
import { Attachment, EscalationFiring, Ticket, TicketEvent } from './tickets';

/** How many assignee candidates the overview carries: the first screen of the picker. */
export const OVERVIEW_ASSIGNEE_LIMIT = 30;

export const TicketOverview = z.object({
  /** GET /api/tickets/:id (with the contact card). */
  ticket: Ticket,
  /** GET /api/tickets/:id/events: the timeline (customers: public entries only). */
  events: z.array(TicketEvent),
  /** GET /api/tickets/:id/attachments (customers: public ones only). */
  attachments: z.array(Attachment),
  /** GET /api/tickets/:id/links (customers: only mergedInto). */
  relations: TicketRelations,
  /** GET /api/tickets/:id/escalations; null without `tickets.internal`. */
  escalations: z.array(EscalationFiring).nullable(),
  /**
   * GET /api/tickets/:id/assignees?limit=30; null without `tickets.update`, and for a closed or
   * cancelled ticket (nobody is assigned to it any more).
   */
  assignees: AssigneeList.nullable(),
  /** GET /api/macros (the reader's and the shared canned replies); null without `macros.use`. */
  macros: z.array(Macro).nullable(),
  /** GET /api/calendars (the SLA panel names each milestone's calendar); null without `time_rules.read`. */
  calendars: z.array(Calendar).nullable(),
  /** GET /api/tickets/:id/visits (customers: their own tickets'); null without `visits.read`. */
  visits: z.array(Visit).nullable(),
  /**
   * GET /api/tickets/:id/engineers (lead first, then helpers and invited experts); null without
   * `visits.read`, and for customers: the portal's ticket page shows who comes on the visits, not
   * the desk's staffing of the ticket.
   */
  engineers: z.array(TicketEngineer).nullable(),
  /** GET /api/tickets/:id/service-records (every version; customers: their own tickets'); null without `visits.read`. */
  serviceRecords: z.array(ServiceRecord).nullable(),
});
export type TicketOverview = z.infer<typeof TicketOverview>;
