/**
 * The queue's live highlight, apart from the ticket page's live bar (`ticket-live.tsx`, with antd's
 * Alert) so the queue's first load does not carry that.
 */
import { useEffect, useMemo, useState } from 'react';
import type { TicketChangedData } from '../../../../common/api/push';
import { useLiveEvent } from '../../api/live';

/** Ids of tickets someone changed in the last few seconds: the queue highlights their rows. */
export function useRecentlyChangedTickets(meId: string, forMs = 4000): ReadonlySet<string> {
  const [changed, setChanged] = useState<ReadonlyMap<string, number>>(new Map());
  useLiveEvent<TicketChangedData>('ticket.changed', (change) => {
    if (change.actorId === meId) return;
    setChanged((m) => new Map(m).set(change.ticketId, Date.now() + forMs));
  });
  useEffect(() => {
    if (changed.size === 0) return;
    const timer = setTimeout(
      () => setChanged((m) => new Map([...m].filter(([, until]) => until > Date.now()))),
      Math.max(0, Math.min(...changed.values()) - Date.now()) + 50,
    );
    return () => clearTimeout(timer);
  }, [changed]);
  return useMemo(() => new Set(changed.keys()), [changed]);
}
