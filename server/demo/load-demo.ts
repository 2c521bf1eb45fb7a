/**
 * Demo data for a fresh database (`npm run demo`): a service organisation (HQ, regions,
 * provinces), engineers and agents, customers from banking, power and health care with sites and
 * contacts, and tickets in every state with believable histories. Tickets are worked through the
 * real services on a clock that walks through the past days, so every timeline and audit entry is
 * genuine. Runs only on a database without customers.
 */
import { count } from 'drizzle-orm';
import { createServices, type AppDeps } from '../app';
import { customers as customersTable, slaPolicies } from '../db/schema';
import { loadDemoInstalledBase } from './demo-installed-base';
import { loadDemoFieldService } from './demo-field-service';
import type { Actor } from '../platform/actor';
import { FakeClock } from '../platform/clock';
import { DEMO_CUSTOMERS, DEMO_ORGANISATION, DEMO_TICKETS } from './demo-data';

export const DEMO_PASSWORD = 'fuwutai-demo';

export async function loadDemoData(deps: AppDeps, options: { now?: Date } = {}) {
  const now = options.now ?? new Date();
  const clock = new FakeClock(new Date(now.getTime() - 14 * 86_400_000));
  const services = createServices({ ...deps, clock });
  const [{ n } = { n: 0 }] = await services.db.select({ n: count() }).from(customersTable);
  if (n > 0) return { skipped: true as const, summary: '' };

  const centerIds = new Map<string, string>();
  for (const c of DEMO_ORGANISATION.centers) {
    const center = await services.centers.create(null, {
      code: c.code,
      name: c.name,
      level: c.level,
      parentId: c.parent ? centerIds.get(c.parent) : undefined,
      region: c.region,
    });
    centerIds.set(c.code, center.id);
  }

  const actors = new Map<string, Actor>();
  for (const u of DEMO_ORGANISATION.staff) {
    const user = await services.users.create(null, {
      username: u.username,
      password: DEMO_PASSWORD,
      name: u.name,
      role: u.role,
      centerId: u.center ? centerIds.get(u.center) : undefined,
      engineerLevel: u.level,
      skills: u.skills,
      email: `${u.username}@fuwutai.example`,
      phone: u.phone,
    });
    actors.set(u.username, {
      id: user.id,
      username: user.username,
      name: user.name,
      role: user.role,
      customerId: null,
      centerId: user.centerId,
      centerPath: null,
    });
  }

  const customerIds = new Map<string, { id: string; contacts: string[]; sites: string[] }>();
  const system = actors.get('admin.demo')!;
  for (const c of DEMO_CUSTOMERS) {
    const customer = await services.customers.create(null, {
      name: c.name,
      code: c.code,
      industry: c.industry,
      region: c.region,
      centerId: centerIds.get(c.center),
    });
    const contacts: string[] = [];
    for (const p of c.contacts) {
      contacts.push((await services.customers.addContact(system, customer.id, p)).id);
    }
    const sites: string[] = [];
    for (const s of c.sites) sites.push((await services.customers.addSite(system, customer.id, s)).id);
    for (const u of c.portalUsers) {
      await services.users.create(null, {
        username: u.username,
        password: DEMO_PASSWORD,
        name: u.name,
        role: u.role,
        customerId: customer.id,
        email: `${u.username}@customer.example`,
      });
    }
    customerIds.set(c.code, { id: customer.id, contacts, sites });
  }

  // What they run and on which terms (issue 11): products, units, contracts.
  const policyIds = new Map((await services.db.select({ id: slaPolicies.id, key: slaPolicies.key }).from(slaPolicies)).map((p) => [p.key, p.id]));
  const deviceIds = await loadDemoInstalledBase(services.db, customerIds, { now, timeZone: deps.config.timeZone, policyIds, createdById: system.id });

  // Work each ticket through its story on the walking clock.
  let worked = 0;
  for (const story of DEMO_TICKETS) {
    const reportedAt = new Date(now.getTime() - story.hoursAgo * 3_600_000);
    clock.set(new Date(reportedAt.getTime() + 3 * 60_000));
    const customer = customerIds.get(story.customer)!;
    const agent = actors.get(story.takenBy)!;
    const ticket = await services.tickets.create(agent, {
      title: story.title,
      description: story.description,
      severity: story.severity,
      channel: story.channel,
      type: story.type,
      category: story.category,
      customerId: customer.id,
      contactId: customer.contacts[0],
      siteId: customer.sites[0],
      reportedAt: reportedAt.toISOString(),
      deviceIds: story.devices?.map((serial) => deviceIds.get(serial)!).filter(Boolean),
    });
    for (const step of story.steps) {
      clock.advance(step.after);
      if (clock.now() > now) break;
      const by = (step.by && actors.get(step.by)) || agent;
      if (step.assign) await services.tickets.patch(by, ticket.id, { assigneeId: actors.get(step.assign)!.id });
      if (step.comment) await services.tickets.comment(by, ticket.id, { body: step.comment, public: step.internal !== true });
      if (step.severity) await services.tickets.patch(by, ticket.id, { severity: step.severity, severityReason: step.reason });
      if (step.plan) await services.sla.stampMilestone(by, ticket.id, { milestone: 'plan', note: step.plan });
      if (step.to) await services.tickets.transition(by, ticket.id, { to: step.to, note: step.note });
    }
    worked++;
  }

  // Field service (issue 12): skills, this week's on-call rota, a consultation, visits today.
  const provincial = DEMO_ORGANISATION.centers.filter((c) => c.level === 'provincial').map((c) => c.code);
  await loadDemoFieldService(services, clock, { now, timeZone: deps.config.timeZone, system, dispatcher: actors.get('sun.zuoxi')!, centerIds, provincial });
  return {
    skipped: false as const,
    summary: `${DEMO_ORGANISATION.centers.length} centers, ${DEMO_ORGANISATION.staff.length} staff, ${DEMO_CUSTOMERS.length} customers, ${worked} tickets; demo users' password: ${DEMO_PASSWORD}`,
  };
}
