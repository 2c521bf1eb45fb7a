/**
 * The dispatch board, engineer suggestions and field-service settings (field service, issue 12).
 *
 * Who counts as an engineer: an active staff user whose role is `engineer` or who has an engineer
 * level (a manager who also goes on site). Which engineers a viewer sees: their center's subtree
 * (organisation-wide roles and staff without a center: everyone).
 *
 * The board's tickets (one query, at most 500, due soonest first): open work (new, assigned,
 * in progress) the viewer may see that is either
 * - `unassigned`: nobody holds it, or
 * - `to_visit`: someone holds it, it names a site (on-site work), its `arrive` milestone is not met
 *   and no visit is under way (planned, departed or on site).
 * A visit planned, or the arrival stamped, takes a ticket off the board; cancelling the visit
 * puts it back.
 */
import { sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import {
  type BoardEngineer,
  type BoardTicket,
  DEFAULT_FIELD_SERVICE_SETTINGS,
  type DispatchBoard,
  type DispatchBoardQuery,
  type EngineerSuggestion,
  FieldServiceSettings,
} from '../../../common/api/field-service';
import type { EngineerLevel, Severity } from '../../../common/domain';
import { rows, type Db } from '../../db/client';
import { suggestEngineers } from '../../domain/field-service/suggest';
import { OPEN_STATUSES } from '../../domain/ticket-lifecycle';
import { requirePermission, seesAllCenters, type Actor } from '../../platform/actor';
import { fieldError, notFound } from '../../platform/errors';
import { readSetting, SETTING_KEYS, writeSetting } from '../contracts/settings';
import type { FieldServiceDeps } from '../field-service-deps';
import { onCallAt } from '../on-call/read';
import { visibleTo } from '../tickets/repository';
import { presentVisits } from '../visits/read';

/** Reading: a value never written (or no longer valid) reads as the defaults. */
const SettingsRead = FieldServiceSettings.catch(DEFAULT_FIELD_SERVICE_SETTINGS);

const BOARD_TICKET_LIMIT = 500;
const BOARD_VISIT_LIMIT = 1000;
const ACTIVE_VISIT = sql`('planned','departed','on_site')`;
const inList = (values: readonly string[]) => sql`(${sql.join(values.map((v) => sql`${v}`), sql`, `)})`;
const uuidList = (ids: readonly string[]) => sql`(${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`;
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

interface EngineerRow {
  id: string;
  name: string;
  level: EngineerLevel | null;
  skills: string[];
  center_id: string | null;
  center_name: string | null;
  center_region: string | null;
  center_path: string | null;
}

/** The board's tickets (see the module comment): the one query, exported for the benchmark's EXPLAIN. */
export function boardTicketsSql(actor: Actor, filter: { centerPath?: string; region?: string }): SQL {
  const ticketWhere: SQL[] = [sql`tickets.status in ('new', 'assigned', 'in_progress')`];
  const visible = visibleTo(actor);
  if (visible) ticketWhere.push(visible);
  if (filter.centerPath) ticketWhere.push(sql`tickets.center_id in (select sc.id from service_centers sc where sc.path like ${`${filter.centerPath}%`})`);
  if (filter.region) ticketWhere.push(sql`tickets.site_id in (select rs.id from sites rs where rs.region = ${filter.region})`);
  // The met `arrive` milestone is looked up per ticket through its primary key (a scalar
  // subquery): written as NOT EXISTS, PostgreSQL hashes every met `arrive` of the desk's history
  // (a sequential scan of ticket_milestones, 60-130 ms at 50,000 closed tickets) to answer it.
  return sql`select tickets.id, tickets.number, tickets.title, tickets.severity, tickets.status,
        (select json_build_object('id', c.id, 'name', c.name) from customers c where c.id = tickets.customer_id) as customer,
        (select json_build_object('id', s.id, 'name', s.name, 'region', s.region) from sites s where s.id = tickets.site_id) as site,
        coalesce((select json_agg(json_build_object('id', d.id, 'serial', d.serial, 'productModel', p.model) order by td.position, d.serial)
           from ticket_devices td join devices d on d.id = td.device_id join products p on p.id = d.product_id
           where td.ticket_id = tickets.id), '[]'::json) as devices,
        tickets.required_skills,
        (select json_build_object('id', u.id, 'name', u.name) from users u where u.id = tickets.assignee_id) as assignee,
        tickets.sla_milestone, tickets.sla_due_at, tickets.sla_state
      from tickets
      where ${sql.join(ticketWhere, sql` and `)}
        and (tickets.assignee_id is null
          or (tickets.site_id is not null
            and (select m.met_at from ticket_milestones m where m.ticket_id = tickets.id and m.milestone = 'arrive') is null
            and (select count(*) from visits v where v.ticket_id = tickets.id and v.status in ${ACTIVE_VISIT}) = 0))
      order by coalesce(tickets.sla_due_at, 'infinity'::timestamptz), tickets.id
      limit ${BOARD_TICKET_LIMIT}`;
}

interface BoardTicketRow {
  id: string;
  number: string;
  title: string;
  severity: Severity;
  status: string;
  customer: { id: string; name: string };
  site: { id: string; name: string; region: string | null } | null;
  devices: { id: string; serial: string; productModel: string }[];
  required_skills: string[];
  assignee: { id: string; name: string } | null;
  sla_milestone: string | null;
  sla_due_at: Date | string | null;
  sla_state: string | null;
}

export function createDispatchService(deps: FieldServiceDeps) {
  const { db, clock, audit, timeZone } = deps;

  const readSettings = (tx: Db = db) => readSetting(tx, SETTING_KEYS.fieldService, SettingsRead);

  /** The subtree filter on a center path column for the viewer (undefined: no limit). */
  const scopePrefix = (actor: Actor) => (seesAllCenters(actor) ? null : (actor.centerPath ?? ''));

  /** Active engineers the viewer may see, optionally within a center's subtree and a region. */
  async function engineersInScope(actor: Actor, filter: { centerPath?: string; region?: string } = {}): Promise<EngineerRow[]> {
    const prefix = scopePrefix(actor);
    const where: SQL[] = [
      sql`u.active`,
      sql`u.role not in ('customer_user', 'customer_leader')`,
      sql`(u.role = 'engineer' or u.engineer_level is not null)`,
    ];
    if (prefix !== null) where.push(sql`c.path like ${`${prefix}%`}`);
    if (filter.centerPath) where.push(sql`c.path like ${`${filter.centerPath}%`}`);
    if (filter.region) where.push(sql`c.region = ${filter.region}`);
    return rows<EngineerRow>(
      db,
      sql`select u.id, u.name, u.engineer_level as level, u.skills, c.id as center_id, c.name as center_name, c.region as center_region, c.path as center_path
          from users u left join service_centers c on c.id = u.center_id
          where ${sql.join(where, sql` and `)}
          order by u.name, u.id`,
    );
  }

  /** Open tickets per assignee (one pass over the open tickets by tickets_status_idx). */
  async function openTicketCounts(): Promise<Map<string, number>> {
    const found = await rows<{ assignee_id: string; n: number }>(
      db,
      sql`select assignee_id, count(*)::int as n from tickets
          where status in ${inList(OPEN_STATUSES)} and assignee_id is not null
          group by assignee_id`,
    );
    return new Map(found.map((r) => [r.assignee_id, Number(r.n)]));
  }

  /** Visits not finished or cancelled per engineer, those overlapping [from, to) when given (visits_open_planned_idx). */
  async function plannedVisitCounts(span?: { from: Date; to: Date }): Promise<Map<string, number>> {
    const window = span
      ? sql`and v.planned_start < ${span.to.toISOString()}::timestamptz and v.planned_end > ${span.from.toISOString()}::timestamptz`
      : sql``;
    const found = await rows<{ user_id: string; n: number }>(
      db,
      sql`select ve.user_id, count(*)::int as n from visits v join visit_engineers ve on ve.visit_id = v.id
          where v.status in ${ACTIVE_VISIT} ${window}
          group by ve.user_id`,
    );
    return new Map(found.map((r) => [r.user_id, Number(r.n)]));
  }

  /** A center the viewer may see (its subtree is the board's filter), else 404. */
  async function centerInScope(actor: Actor, centerId: string) {
    const [center] = await rows<{ id: string; path: string }>(db, sql`select id, path from service_centers where id = ${centerId}::uuid`);
    const prefix = scopePrefix(actor);
    if (!center || (prefix !== null && !center.path.startsWith(prefix))) throw notFound('center.not_found', 'Center');
    return center;
  }

  /** The timeline's span: the day (or the week, Monday first, holding it) in the desk's time zone. */
  function spanOf(query: DispatchBoardQuery) {
    const now = DateTime.fromJSDate(clock.now(), { zone: timeZone });
    let start = query.day ? DateTime.fromISO(query.day, { zone: timeZone }) : now;
    if (!start.isValid) throw fieldError('day', 'field.invalid_value', 'not a calendar day');
    start = start.startOf('day');
    if (query.span === 'week') start = start.startOf('week');
    const end = start.plus(query.span === 'week' ? { weeks: 1 } : { days: 1 });
    return { from: start.toJSDate(), to: end.toJSDate() };
  }

  return {
    async settings(actor: Actor): Promise<FieldServiceSettings> {
      requirePermission(actor, 'visits.read');
      return readSettings();
    },

    async saveSettings(actor: Actor, input: FieldServiceSettings): Promise<FieldServiceSettings> {
      requirePermission(actor, 'field_service.settings');
      // The whole value is required (the route's schema refuses `{}`): there is no partial write.
      const value = FieldServiceSettings.parse(input);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const { before, after } = await writeSetting(tx, SETTING_KEYS.fieldService, SettingsRead, value, { userId: actor.id, now });
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'settings', 'field_service', 'updated', before, after);
        return after;
      });
    },

    /** Engineers for a ticket the viewer may see, best first, with the reasons (server/domain/field-service/suggest.ts). */
    async suggestions(actor: Actor, ticketId: string): Promise<EngineerSuggestion[]> {
      requirePermission(actor, 'visits.plan');
      const [ticket] = await rows<{ severity: Severity; skills: string[] | null; site_center_path: string | null }>(
        db,
        sql`select tickets.severity,
              (select array_agg(distinct s) from (
                 select unnest(tickets.required_skills) as s
                 union select unnest(p.skills) from ticket_devices td join devices d on d.id = td.device_id join products p on p.id = d.product_id
                 where td.ticket_id = tickets.id) k) as skills,
              coalesce(
                (select min(c.path) from service_centers c, sites s
                  where s.id = tickets.site_id and s.region is not null and c.region = s.region
                  having count(*) = 1),
                (select c.path from service_centers c where c.id = tickets.center_id)) as site_center_path
            from tickets where tickets.id = ${ticketId}::uuid and ${visibleTo(actor) ?? sql`true`}`,
      );
      if (!ticket) throw notFound('ticket.not_found', 'Ticket');
      const engineers = await engineersInScope(actor);
      const [open, planned, onCall, settings] = await Promise.all([openTicketCounts(), plannedVisitCounts(), onCallAt(db, null, clock.now()), readSettings()]);
      return suggestEngineers({ severity: ticket.severity, requiredSkills: ticket.skills ?? [], siteCenterPath: ticket.site_center_path }, settings, engineers.map((e) => ({
        id: e.id,
        name: e.name,
        level: e.level,
        skills: e.skills,
        center: e.center_id ? { id: e.center_id, name: e.center_name ?? '' } : null,
        centerPath: e.center_path,
        openTickets: open.get(e.id) ?? 0,
        plannedVisits: planned.get(e.id) ?? 0,
        onCall: onCall.has(e.id),
      })));
    },

    async board(actor: Actor, query: DispatchBoardQuery): Promise<DispatchBoard> {
      requirePermission(actor, 'visits.plan');
      const { from, to } = spanOf(query);
      const center = query.centerId ? await centerInScope(actor, query.centerId) : null;
      const region = query.region?.trim() || undefined;

      const visible = visibleTo(actor);
      const ticketRows = await rows<BoardTicketRow>(db, boardTicketsSql(actor, { centerPath: center?.path, region }));
      const boardTickets: BoardTicket[] = ticketRows.map((t) => ({
        id: t.id,
        number: t.number,
        title: t.title,
        severity: t.severity,
        status: t.status,
        customer: t.customer,
        site: t.site,
        devices: t.devices,
        requiredSkills: t.required_skills,
        assignee: t.assignee,
        slaMilestone: t.sla_milestone,
        slaDueAt: iso(t.sla_due_at),
        slaState: t.sla_state,
        reason: t.assignee ? 'to_visit' : 'unassigned',
      }));

      const engineerRows = await engineersInScope(actor, { centerPath: center?.path, region });
      const [open, planned, onCall] = await Promise.all([openTicketCounts(), plannedVisitCounts({ from, to }), onCallAt(db, null, clock.now())]);
      const engineers: BoardEngineer[] = engineerRows.map((e) => ({
        id: e.id,
        name: e.name,
        level: e.level,
        skills: e.skills,
        center: e.center_id ? { id: e.center_id, name: e.center_name ?? '', region: e.center_region } : null,
        onCallNow: onCall.has(e.id),
        openTickets: open.get(e.id) ?? 0,
        plannedVisits: planned.get(e.id) ?? 0,
      }));

      // The timeline: visits in the span (not cancelled) of tickets the viewer may see, within the
      // center and region filters, or with one of the board's engineers on them.
      const visitWhere: SQL[] = [];
      if (visible) visitWhere.push(visible);
      const narrow: SQL[] = [];
      if (center) narrow.push(sql`tickets.center_id in (select sc.id from service_centers sc where sc.path like ${`${center.path}%`})`);
      if (region) narrow.push(sql`v.site_id in (select rs.id from sites rs where rs.region = ${region})`);
      if (narrow.length) {
        const mine = engineers.length
          ? sql`exists (select 1 from visit_engineers ve where ve.visit_id = v.id and ve.user_id in ${uuidList(engineers.map((e) => e.id))})`
          : sql`false`;
        visitWhere.push(sql`((${sql.join(narrow, sql` and `)}) or ${mine})`);
      }
      const visitIds = await rows<{ id: string }>(
        db,
        sql`select v.id from visits v join tickets on tickets.id = v.ticket_id
            where v.status <> 'cancelled'
              and v.planned_start < ${to.toISOString()}::timestamptz and v.planned_end > ${from.toISOString()}::timestamptz
              ${visitWhere.length ? sql`and ${sql.join(visitWhere, sql` and `)}` : sql``}
            order by v.planned_start, v.id
            limit ${BOARD_VISIT_LIMIT}`,
      );
      const visits = await presentVisits(db, visitIds.map((v) => v.id));
      return { tickets: boardTickets, engineers, visits, from: from.toISOString(), to: to.toISOString() };
    },
  };
}

export type DispatchService = ReturnType<typeof createDispatchService>;
