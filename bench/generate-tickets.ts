/**
 * Data generator for benchmarks: a service organisation and a large ticket table, written with
 * set-based SQL (generate_series) so a million tickets take about a minute. Shapes follow a real
 * desk: 20 centers under one HQ, 300 engineers spread over them, 2,000 customers of very different
 * sizes, tickets reported over `days` days, most of them closed, open ones with a running SLA
 * clock (queue badge) and a next due moment, a chosen number of them due right now.
 */
import type pg from 'pg';
import { CATEGORIES, CHANNELS, SEVERITIES, TICKET_TYPES } from '../common/domain';

export interface GenerateOptions {
  tickets: number;
  /** Share of tickets still open (new, assigned, in progress, pending customer). */
  openShare: number;
  /** Open tickets whose next due moment is already past (what a sweep must claim). */
  due: number;
  customers?: number;
  engineers?: number;
  days?: number;
}

export interface Generated {
  centerIds: string[];
  engineerIds: string[];
  customerIds: string[];
}

const sqlList = (values: readonly string[]) => `array[${values.map((v) => `'${v}'`).join(',')}]`;

export async function generateTickets(client: pg.Client, options: GenerateOptions): Promise<Generated> {
  const customers = options.customers ?? 2_000;
  const engineers = options.engineers ?? 300;
  const days = options.days ?? 30;
  const openEvery = Math.max(1, Math.round(1 / options.openShare));
  const dueEvery = Math.max(1, Math.floor(options.tickets / openEvery / Math.max(1, options.due)));

  await client.query(
    `insert into service_centers (id, code, name, level, path)
     values ('00000000-0000-4000-8000-000000000000', 'HQ', '总部', 'hq', '/00000000-0000-4000-8000-000000000000/')`,
  );
  const centers = await client.query<{ id: string }>(
    `insert into service_centers (code, name, level, parent_id, path)
     select 'C' || g, '中心 ' || g, 'provincial', '00000000-0000-4000-8000-000000000000', '' from generate_series(1, 20) g returning id`,
  );
  await client.query(`update service_centers set path = '/00000000-0000-4000-8000-000000000000/' || id || '/' where path = ''`);
  const engineerRows = await client.query<{ id: string }>(
    `insert into users (username, password_hash, name, role, center_id)
     select 'eng' || g, 'x', '工程师 ' || g, 'engineer', (select id from service_centers where code = 'C' || (1 + g % 20))
     from generate_series(1, $1::int) g returning id`,
    [engineers],
  );
  const customerRows = await client.query<{ id: string; center_id: string }>(
    `insert into customers (name, center_id)
     select '客户 ' || g, (select id from service_centers where code = 'C' || (1 + g % 20)) from generate_series(1, $1::int) g
     returning id, center_id`,
    [customers],
  );
  const uuidArray = (ids: string[]) => `array[${ids.map((id) => `'${id}'`).join(',')}]::uuid[]`;

  // Customer sizes follow a power law: customer k gets a share proportional to 1/k.
  await client.query(
    `insert into tickets (number, title, description, type, channel, severity, category, status, customer_id, center_id, assignee_id,
                          reported_at, created_at, updated_at, resolved_at, closed_at, next_due_at, sla_milestone, sla_due_at, sla_amber_at, sla_state)
     select 'FW-2026-' || lpad(g::text, 7, '0'),
            (array['ATM 吞卡','读卡器故障','网络中断','打印机卡纸','数据库告警','系统登录失败','叫号机无法出票','备份作业失败'])[1 + g % 8] || ' ' || g,
            '', (${sqlList(TICKET_TYPES)})[1 + g % ${TICKET_TYPES.length}], (${sqlList(CHANNELS)})[1 + g % ${CHANNELS.length}],
            (${sqlList(SEVERITIES)})[1 + (g * 7) % 4], (${sqlList(CATEGORIES)})[1 + g % ${CATEGORIES.length}],
            case when o.open then (array['new','assigned','in_progress','pending_customer'])[1 + (g / ${openEvery}) % 4] else (array['closed','closed','closed','resolved','cancelled'])[1 + g % 5] end,
            c.id, c.center_id, case when o.open and (g / ${openEvery}) % 4 = 0 then null else e.id end,
            r.at, r.at, r.at,
            case when o.open then null else r.at + interval '3 hours' end,
            case when o.open then null else r.at + interval '1 day' end,
            d.due, case when d.due is null then null else 'resolve' end, d.due, d.due - interval '1 hour',
            case when not o.open then null when d.due is null then 'paused' else 'running' end
     from generate_series(1, $1::int) g
     cross join lateral (select g % ${openEvery} = 0 as open) o
     cross join lateral (select now() - ((g::bigint * 7919) % (${days} * 86400)) * interval '1 second' as at) r
     cross join lateral (select least($2::int, floor(power($2::float8, ((g::bigint * 104729) % 1000003) / 1000003.0))::int) as k) ck
     cross join lateral (select (${uuidArray(customerRows.rows.map((r) => r.id))})[ck.k] as id,
                                (${uuidArray(customerRows.rows.map((r) => r.center_id))})[ck.k] as center_id) c
     cross join lateral (select (${uuidArray(engineerRows.rows.map((r) => r.id))})[1 + g % ${engineerRows.rows.length}] as id) e
     cross join lateral (
       select case when not o.open then null
                   when (g / ${openEvery}) % ${dueEvery} = 0 then now() - (1 + g % 3600) * interval '1 second'
                   when (g / ${openEvery}) % 4 = 3 then null
                   else now() + (3600 + (g::bigint * 104729) % (${days} * 86400)) * interval '1 second' end as due) d`,
    [options.tickets, customers],
  );
  await client.query('analyze');
  return { centerIds: centers.rows.map((r) => r.id), engineerIds: engineerRows.rows.map((r) => r.id), customerIds: customerRows.rows.map((r) => r.id) };
}
