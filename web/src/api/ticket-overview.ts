/**
 * The ticket page's opening read: one request (GET /api/tickets/:id/overview) instead of one per
 * panel. Its parts go into the caches of the queries that own them, under their own keys, so the
 * panels render from the cache without asking; afterwards each part lives its own life as before —
 * mutations, invalidations and live push refresh it through its own route.
 */
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TicketOverview } from '../../../common/api/ticket-overview';
import { api } from './client';
import { fieldKeys } from './field-service';
import { assigneeKeys, macroKeys } from './macros';
import { linkKeys } from './ticket-links';
import { ticketKeys } from './tickets';
import { timeRuleKeys } from './time-rules';

/** Outside `tickets`: invalidating ticket data refreshes the parts by their own routes, not this. */
export const overviewKey = (id: string) => ['ticket-overview', id] as const;

/** Puts each part where its own query keeps it; a part the reader may not have (null) is left alone. */
export function seedTicketOverview(client: QueryClient, id: string, overview: TicketOverview) {
  client.setQueryData(ticketKeys.detail(id), overview.ticket);
  client.setQueryData(ticketKeys.events(id), overview.events);
  client.setQueryData(ticketKeys.attachments(id), overview.attachments);
  client.setQueryData(linkKeys.relations(id), overview.relations);
  if (overview.escalations) client.setQueryData(ticketKeys.escalations(id), overview.escalations);
  // The picker's first screen: no search yet (the overview carries as many as the picker asks for).
  if (overview.assignees) client.setQueryData(assigneeKeys.list(id, ''), overview.assignees);
  if (overview.macros) client.setQueryData(macroKeys.list(), overview.macros);
  if (overview.calendars) client.setQueryData(timeRuleKeys.calendars, overview.calendars);
  if (overview.visits) client.setQueryData(fieldKeys.ticketVisits(id), overview.visits);
  if (overview.engineers) client.setQueryData(fieldKeys.ticketEngineers(id), overview.engineers);
  if (overview.serviceRecords) client.setQueryData(fieldKeys.ticketRecords(id), overview.serviceRecords);
}

/**
 * Asked once each time the page opens a ticket (dropped when the page leaves it, never refetched
 * while it stays): the page waits for it before its panels mount, so they find their data fresh.
 */
export function useTicketOverview(id: string) {
  const client = useQueryClient();
  return useQuery({
    queryKey: overviewKey(id),
    queryFn: async ({ signal }) => {
      const overview = await api.get<TicketOverview>(`/api/tickets/${encodeURIComponent(id)}/overview`, { signal });
      seedTicketOverview(client, id, overview);
      return overview.ticket.id;
    },
    gcTime: 0,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}
