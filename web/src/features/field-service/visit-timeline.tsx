/**
 * The dispatch board's timeline: one row per engineer with visits in the span, a CSS grid of hours
 * (a day) or days (a week) behind, each visit a block placed by its planned window (its real times
 * once it started), coloured by status, linking to /visits/:id. Visits that overlap in one row
 * stack. The span is the board's (from/to, the desk's day or week); scrolls sideways on a phone.
 */
import { Empty, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { BoardEngineer, Visit } from '../../api/field-service';
import { formatDateTime } from '../../components/time';
import { useNow } from '../../components/use-now';
import { LevelTag } from './dispatch-parts';

interface Row {
  id: string;
  name: string;
  engineer?: BoardEngineer;
  /** Each visit with the lane it sits in (overlapping visits stack). */
  visits: { visit: Visit; lane: number; start: number; end: number }[];
  lanes: number;
}

/** Where a visit sits: its planned window, or from when it started to when it ended (or now, still going). */
function extent(v: Visit, now: number): [number, number] {
  const start = Date.parse(v.departedAt ?? v.arrivedAt ?? v.plannedStart);
  const ended = v.finishedAt ?? v.cancelledAt;
  let end = ended ? Date.parse(ended) : Date.parse(v.plannedEnd);
  if (!ended && (v.status === 'departed' || v.status === 'on_site')) end = Math.max(end, now);
  return [start, Math.max(end, start + 15 * 60_000)];
}

export function VisitTimeline({
  visits,
  engineers,
  from,
  to,
  span,
  day,
}: {
  visits: Visit[];
  engineers: BoardEngineer[];
  from: string;
  to: string;
  span: 'day' | 'week';
  /** The board's day (YYYY-MM-DD, the desk's): names the week's columns. */
  day: string;
}) {
  const { t } = useTranslation();
  const now = useNow(60_000);
  const start = Date.parse(from);
  const end = Date.parse(to);
  const length = end - start;
  const scroller = useRef<HTMLDivElement>(null);
  // On a narrow screen the grid scrolls sideways: open it where now is (or the first visit) rather than at midnight.
  const anchor = now >= start && now < end ? now : visits.length ? Math.min(...visits.map((v) => Date.parse(v.plannedStart))) : start;
  const hasVisits = visits.length > 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per span (and once there is something to show), not on every tick
  useEffect(() => {
    const el = scroller.current;
    if (!el || el.scrollWidth <= el.clientWidth) return;
    el.scrollLeft = Math.max(0, ((anchor - start) / length) * el.scrollWidth - 40);
  }, [from, to, span, hasVisits]);

  // Columns in the desk's time: the span starts at the desk's midnight (`from`), so hour i is i:00 there and
  // the week's days follow the board's day (Monday first), whatever the browser's own zone.
  const columns = useMemo(() => {
    const out: { key: string; label: string; weekend?: boolean }[] = [];
    if (span === 'day') {
      const hours = Math.round(length / 3_600_000);
      for (let i = 0; i < hours; i++) out.push({ key: String(i), label: String(i).padStart(2, '0') });
    } else {
      const base = dayjs(day);
      const monday = base.subtract((base.day() + 6) % 7, 'day');
      for (let i = 0; i < 7; i++) {
        const d = monday.add(i, 'day');
        out.push({ key: String(i), label: d.format('MM-DD dd'), weekend: d.day() === 0 || d.day() === 6 });
      }
    }
    return out;
  }, [length, span, day]);

  const rows = useMemo(() => {
    const byId = new Map<string, Row>();
    const order = new Map(engineers.map((e, i) => [e.id, i]));
    for (const visit of visits) {
      const [a, b] = extent(visit, now);
      for (const e of visit.engineers) {
        let row = byId.get(e.id);
        if (!row) {
          row = { id: e.id, name: e.name, engineer: engineers.find((x) => x.id === e.id), visits: [], lanes: 1 };
          byId.set(e.id, row);
        }
        row.visits.push({ visit, lane: 0, start: a, end: b });
      }
    }
    for (const row of byId.values()) {
      row.visits.sort((x, y) => x.start - y.start);
      const laneEnds: number[] = [];
      for (const item of row.visits) {
        let lane = laneEnds.findIndex((e) => e <= item.start);
        if (lane < 0) lane = laneEnds.length;
        laneEnds[lane] = item.end;
        item.lane = lane;
      }
      row.lanes = Math.max(1, laneEnds.length);
    }
    return [...byId.values()].sort(
      (x, y) => (order.get(x.id) ?? Number.MAX_SAFE_INTEGER) - (order.get(y.id) ?? Number.MAX_SAFE_INTEGER) || x.name.localeCompare(y.name),
    );
  }, [visits, engineers, now]);

  if (rows.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dispatch.noVisits')} data-testid="timeline-empty" />;

  const pct = (ms: number) => (Math.min(Math.max(ms - start, 0), length) / length) * 100;
  // A block's time on the columns' clock (the desk's), read off the span's start — the desk's midnight —
  // so a block under 10 says 10:xx whatever the browser's own zone.
  const deskClock = (iso: string) => {
    const minutes = ((Math.floor((Date.parse(iso) - start) / 60_000) % 1440) + 1440) % 1440;
    return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  };
  const nowInSpan = now >= start && now < end;
  const template = { gridTemplateColumns: `repeat(${columns.length}, minmax(0, 1fr))` };
  return (
    <div className="fs-timeline-scroll" ref={scroller}>
      <div className={`fs-timeline fs-timeline-${span}`} data-testid="visit-timeline" data-span={span}>
        <div className="fs-timeline-head">
          <div className="fs-timeline-name" />
          <div className="fs-timeline-cols" style={template}>
            {columns.map((c) => (
              <div key={c.key} className={c.weekend ? 'fs-timeline-col fs-weekend' : 'fs-timeline-col'}>
                {c.label}
              </div>
            ))}
          </div>
        </div>
        {rows.map((row) => (
          <div key={row.id} className="fs-timeline-row" data-testid="timeline-row" data-engineer-id={row.id}>
            <div className="fs-timeline-name">
              <span className="fs-timeline-engineer">{row.name}</span>
              {row.engineer && <LevelTag level={row.engineer.level} />}
            </div>
            <div className="fs-timeline-lane" style={{ height: row.lanes * 30 + 6 }}>
              <div className="fs-timeline-grid" style={template}>
                {columns.map((c) => (
                  <div key={c.key} className={c.weekend ? 'fs-weekend' : undefined} />
                ))}
              </div>
              {nowInSpan && <div className="fs-timeline-now" style={{ left: `${pct(now)}%` }} />}
              {row.visits
                .filter((item) => item.end > start && item.start < end)
                .map(({ visit, lane, start: a, end: b }) => (
                  <Tooltip
                    key={visit.id}
                    title={
                      <>
                        <div>
                          {visit.ticket.number} {visit.ticket.title}
                        </div>
                        <div>
                          {formatDateTime(visit.plannedStart)} – {dayjs(visit.plannedEnd).format('HH:mm')}
                        </div>
                        <div>{t(`dispatch.visitStatus.${visit.status}`)}</div>
                        {visit.site && <div>{visit.site.name}</div>}
                        <div>{visit.engineers.map((e) => e.name).join(', ')}</div>
                      </>
                    }
                  >
                    <Link
                      to={`/visits/${visit.id}`}
                      className={`fs-visit-block fs-visit-${visit.status}`}
                      style={{ left: `${pct(a)}%`, width: `${pct(b) - pct(a)}%`, top: lane * 30 + 3 }}
                      data-testid="timeline-visit"
                      data-visit-id={visit.id}
                      data-status={visit.status}
                      aria-label={`${visit.ticket.number} ${t(`dispatch.visitStatus.${visit.status}`)} ${formatDateTime(visit.plannedStart)}`}
                    >
                      <span className="fs-visit-number">{visit.ticket.number}</span>
                      <span className="fs-visit-time">{deskClock(visit.plannedStart)}</span>
                    </Link>
                  </Tooltip>
                ))}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
