/**
 * The demo's field service (issue 12): the products' skills (dispatch suggestions match them with
 * the engineers' skills), the skills open tickets need, this week's on-call rota of every provincial
 * center, a helper and an invited expert (专家会诊) on a ticket, and visits — one planned later today,
 * one on site now. Written through the services, so timelines, SLA stamps and audit are genuine.
 */
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { createServices } from '../app';
import { products, tickets, users } from '../db/schema';
import type { Actor } from '../platform/actor';
import type { FakeClock } from '../platform/clock';

type Services = ReturnType<typeof createServices>;

/** Skills per product model (the demo engineers' skills are in demo-data.ts). */
const PRODUCT_SKILLS: Record<string, string[]> = {
  H68N: ['ATM', '读卡器'],
  'ST-200': ['自助终端', '打印机'],
  R740: ['网络'],
  D5000: ['电力调度', 'Oracle'],
  'HIS-5': ['HIS', '数据库'],
  'QM-30': ['自助终端'],
};

const HOUR = 3_600_000;

export async function loadDemoFieldService(
  services: Services,
  clock: FakeClock,
  options: { now: Date; timeZone: string; system: Actor; dispatcher: Actor; centerIds: Map<string, string>; provincial: string[] },
) {
  const { db } = services;
  const { now, system, dispatcher } = options;
  clock.set(now);

  for (const [model, skills] of Object.entries(PRODUCT_SKILLS)) await db.update(products).set({ skills }).where(eq(products.model, model));

  // The skills an open ticket needs: those of the products of the devices it names.
  const needs = await db.execute<{ id: string; skills: string[] }>(
    sql`select t.id, array_agg(distinct s order by s) as skills
        from tickets t join ticket_devices td on td.ticket_id = t.id join devices d on d.id = td.device_id
        join products p on p.id = d.product_id, unnest(p.skills) s
        where t.status not in ('resolved','closed','cancelled') group by t.id`,
  );
  for (const n of (needs as unknown as { rows: { id: string; skills: string[] }[] }).rows) await services.tickets.patch(system, n.id, { requiredSkills: n.skills });

  // This week's rota (Monday to Sunday, desk time): each provincial center's engineers take the
  // day shift (08:30–20:30) in turn, one after another.
  const monday = mondayIn(now, options.timeZone);
  let shifts = 0;
  for (const code of options.provincial) {
    const centerId = options.centerIds.get(code)!;
    const engineers = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.centerId, centerId), eq(users.role, 'engineer'), eq(users.active, true)))
      .orderBy(users.username);
    if (engineers.length === 0) continue;
    for (let day = 0; day < 7; day++) {
      const start = new Date(monday.getTime() + day * 24 * HOUR + 8.5 * HOUR);
      await services.onCall.create(system, {
        centerId,
        userId: engineers[day % engineers.length]!.id,
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 12 * HOUR).toISOString(),
        note: day >= 5 ? '周末值守' : null,
      });
      shifts++;
    }
  }

  // Open tickets an engineer works on, most recent first.
  const open = await db
    .select({ id: tickets.id, assigneeId: tickets.assigneeId, centerId: tickets.centerId })
    .from(tickets)
    .innerJoin(users, eq(users.id, tickets.assigneeId))
    // In progress only: planning a visit starts the work, and the demo keeps a ticket in every status.
    .where(and(inArray(tickets.status, ['in_progress']), isNotNull(tickets.assigneeId), eq(users.role, 'engineer')))
    .orderBy(sql`${tickets.reportedAt} desc`)
      .limit(2);

  let visits = 0;
  const [first, second] = open;
  if (first) {
    // Planned for later today (or the next hours).
    const start = new Date(Math.ceil((now.getTime() + HOUR) / HOUR) * HOUR);
    await services.visits.create(dispatcher, first.id, { plannedStart: start.toISOString(), plannedEnd: new Date(start.getTime() + 2 * HOUR).toISOString(), engineerIds: [first.assigneeId!], notes: '请携带备用读卡器模块' });
    visits++;
  }
  if (second) {
    // On site now: planned from an hour ago, departed, arrived.
    const visit = await services.visits.create(dispatcher, second.id, {
      plannedStart: new Date(now.getTime() - HOUR).toISOString(),
      plannedEnd: new Date(now.getTime() + HOUR).toISOString(),
      engineerIds: [second.assigneeId!],
      notes: null,
    });
    const engineer = await actorOf(services, second.assigneeId!);
    await services.visits.transition(engineer, visit.id, { to: 'departed', at: new Date(now.getTime() - 50 * 60_000).toISOString(), reason: null });
    await services.visits.transition(engineer, visit.id, { to: 'on_site', at: new Date(now.getTime() - 10 * 60_000).toISOString(), reason: null });
    visits++;
  }
  // A consultation: the expert (of another center) is asked on an open ticket someone else leads.
  let consulted = 0;
  const [expert] = await db.select({ id: users.id, centerId: users.centerId }).from(users).where(and(eq(users.engineerLevel, 'expert'), eq(users.active, true))).limit(1);
  if (expert) {
    const [ticket] = await db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(inArray(tickets.status, ['assigned', 'in_progress', 'pending_customer']), isNotNull(tickets.assigneeId), sql`${tickets.assigneeId} <> ${expert.id}`, sql`${tickets.centerId} is distinct from ${expert.centerId}`))
      .orderBy(sql`${tickets.reportedAt} desc`)
      .limit(1);
    if (ticket) {
      await services.ticketEngineers.add(dispatcher, ticket.id, { userId: expert.id, role: 'expert', note: '现场已更换读卡器模块仍偶发吞卡，是否为主控板固件问题？请给出判断。' });
      consulted++;
    }
  }
  return { shifts, visits, consulted };
}

async function actorOf(services: Services, userId: string): Promise<Actor> {
  const [u] = await services.db
    .select({ id: users.id, username: users.username, name: users.name, role: users.role, centerId: users.centerId, path: sql<string | null>`(select path from service_centers where id = ${users.centerId})` })
    .from(users)
    .where(eq(users.id, userId));
  return { id: u!.id, username: u!.username, name: u!.name, role: u!.role, customerId: null, centerId: u!.centerId, centerPath: u!.path };
}

/** Monday 00:00 of the week holding `now`, in the desk's time zone. */
function mondayIn(now: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .formatToParts(now)
    .reduce<Record<string, string>>((acc, p) => {
      acc[p.type] = p.value;
      return acc;
    }, {});
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!);
  const sinceMidnight = (Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second)) * 1000;
  return new Date(now.getTime() - now.getMilliseconds() - sinceMidnight - weekday * 24 * HOUR);
}
