/**
 * A ticket page that knows about the others on it: "王工 正在编辑…" while someone else writes a
 * comment, "此工单已被 X 更新" when someone else changed it (the data refreshes by itself through
 * live push), and the announcer that tells the others while I write.
 */
import { EditOutlined, SyncOutlined } from '@ant-design/icons';
import { Alert } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketChangedData, TicketPresenceData } from '../../../../common/api/push';
import { PRESENCE_HEARTBEAT_SECONDS, PRESENCE_TTL_SECONDS } from '../../../../common/push';
import { api } from '../../api/client';
import { useLiveEvent } from '../../api/live';

interface Editor {
  userId: string;
  userName: string;
  internal: boolean;
  until: number;
}

/** Who else is writing on this ticket right now (an announcement lasts PRESENCE_TTL_SECONDS). */
export function useTicketEditors(ticketId: string, meId: string): Editor[] {
  const [editors, setEditors] = useState<Editor[]>([]);
  useLiveEvent<TicketPresenceData>('ticket.presence', (p) => {
    if (p.ticketId !== ticketId || p.userId === meId) return;
    setEditors((list) => {
      const others = list.filter((e) => e.userId !== p.userId);
      return p.editing ? [...others, { userId: p.userId, userName: p.userName, internal: p.internal, until: Date.now() + PRESENCE_TTL_SECONDS * 1000 }] : others;
    });
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: another ticket starts with nobody editing
  useEffect(() => setEditors([]), [ticketId]);
  // Forget announcements nobody renewed.
  useEffect(() => {
    if (editors.length === 0) return;
    const next = Math.min(...editors.map((e) => e.until)) - Date.now();
    const timer = setTimeout(() => setEditors((list) => list.filter((e) => e.until > Date.now())), Math.max(next, 0) + 50);
    return () => clearTimeout(timer);
  }, [editors]);
  return editors;
}

/**
 * Returns `onDraft(text, internal)` for the comment box. The first keystroke announces "editing",
 * a heartbeat renews it while typing continues, and an empty box, a pause or leaving the page ends it.
 */
export function usePresenceAnnouncer(ticketId: string) {
  const state = useRef({ announced: false, internal: false, lastTyped: 0, timer: undefined as ReturnType<typeof setInterval> | undefined });
  const post = useCallback(
    (editing: boolean, internal: boolean) =>
      void api.post(`/api/tickets/${encodeURIComponent(ticketId)}/presence`, { editing, internal }).catch(() => undefined),
    [ticketId],
  );
  const stop = useCallback(() => {
    const s = state.current;
    clearInterval(s.timer);
    s.timer = undefined;
    if (s.announced) post(false, s.internal);
    s.announced = false;
  }, [post]);

  useEffect(() => stop, [stop]);

  return useCallback(
    (text: string, internal: boolean) => {
      const s = state.current;
      if (!text.trim()) return stop();
      s.lastTyped = Date.now();
      if (s.announced && s.internal === internal) return;
      if (s.announced) post(false, s.internal); // switched between reply and internal note
      s.announced = true;
      s.internal = internal;
      post(true, internal);
      clearInterval(s.timer);
      s.timer = setInterval(() => {
        // Still typing: renew. A draft left alone is not "editing" any more.
        if (Date.now() - s.lastTyped < PRESENCE_TTL_SECONDS * 1000 - 5000) post(true, s.internal);
        else stop();
      }, PRESENCE_HEARTBEAT_SECONDS * 1000);
    },
    [post, stop],
  );
}

/** The line under the ticket header: others writing, and "updated by X" after someone else's change. */
export function TicketLiveBar({ ticketId, meId }: { ticketId: string; meId: string }) {
  const { t } = useTranslation();
  const editors = useTicketEditors(ticketId, meId);
  const [updatedBy, setUpdatedBy] = useState<{ name: string | null; at: number } | null>(null);
  useLiveEvent<TicketChangedData>('ticket.changed', (change) => {
    if (change.ticketId !== ticketId || change.actorId === meId) return;
    setUpdatedBy({ name: change.actorName, at: Date.now() });
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: another ticket starts with no "updated by"
  useEffect(() => setUpdatedBy(null), [ticketId]);
  useEffect(() => {
    if (!updatedBy) return;
    const timer = setTimeout(() => setUpdatedBy(null), 15_000);
    return () => clearTimeout(timer);
  }, [updatedBy]);

  if (editors.length === 0 && !updatedBy) return null;
  return (
    <div className="ticket-live-bar" data-testid="ticket-live" aria-live="polite" style={{ display: 'grid', gap: 8, marginBottom: 16 }}>
      {updatedBy && (
        <Alert
          type="info"
          showIcon
          icon={<SyncOutlined />}
          closable
          onClose={() => setUpdatedBy(null)}
          data-testid="ticket-updated-by"
          title={`${updatedBy.name ? t('live.updatedBy', { name: updatedBy.name }) : t('live.updatedBySomeone')} · ${t('live.refreshed')}`}
        />
      )}
      {editors.map((e) => (
        <Alert
          key={e.userId}
          type="warning"
          showIcon
          icon={<EditOutlined />}
          data-testid="ticket-editing"
          title={t(e.internal ? 'live.editingInternal' : 'live.editing', { name: e.userName })}
        />
      ))}
    </div>
  );
}
