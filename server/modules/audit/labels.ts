/**
 * What an audit page shows instead of bare ids: each entry's object by its human name (ticket →
 * FW number and title, user → name, customer → name and code …) and, for ids inside the before/after
 * values (assigneeId, centerId, customerId, slaPolicyId …), a label per id.
 *
 * Batched: one query per table that a page of entries actually names (at most a dozen, whatever the
 * page size), never one per entry. Ids inside values are looked up in every table that can hold
 * them at once — uuids do not collide — so fields added later resolve without a change here.
 * Tickets and customers named inside values resolve only within the reader's scope (the entries
 * themselves are already scoped by `auditScope`); users, centers, calendars and policies are
 * readable by all staff. Mail templates are named by their id itself (`<event>:<language>`).
 */
import { eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  apiTokens,
  attachments,
  calendars,
  contacts,
  contractAttachments,
  contracts,
  customers,
  devices,
  escalationContacts,
  escalationRules,
  macros,
  mailboxes,
  mailQuarantine,
  products,
  savedViews,
  serviceCenters,
  sites,
  slaPolicies,
  tickets,
  users,
} from '../../db/schema';
import { seesAllCenters, type Actor } from '../../platform/actor';
import { visibleTo } from '../tickets/repository';

export interface EntityLabel {
  label: string | null;
  detail: string | null;
  /** The object an entry's object lives in: an attachment's ticket, a contact's or site's customer. */
  parentId: string | null;
}

interface Entry {
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Uuids held in `…Id` / `…Ids` fields of a before/after value (one level deep, as services write them). */
function refIds(value: unknown, into: Set<string>) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!/Ids?$/.test(key) || key === 'id') continue;
    for (const item of Array.isArray(v) ? v : [v]) if (typeof item === 'string' && UUID.test(item)) into.add(item);
  }
}

/** A name the entry itself carries (a deleted object's `before`), for objects that no longer exist. */
function carriedName(e: Entry): string | null {
  for (const value of [e.before, e.after]) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as Record<string, unknown>;
      for (const key of ['number', 'name', 'filename', 'key']) if (typeof v[key] === 'string' && v[key]) return v[key] as string;
    }
  }
  return null;
}

export async function labelEntries(db: Db, actor: Actor, entries: Entry[]) {
  const ids = (entity: string) => [...new Set(entries.filter((e) => e.entity === entity && UUID.test(e.entityId)).map((e) => e.entityId))];
  const refs = new Set<string>();
  for (const e of entries) {
    refIds(e.before, refs);
    refIds(e.after, refs);
  }
  const refList = [...refs];
  const labels = new Map<string, EntityLabel>();
  const put = (entity: string, id: string, label: string | null, detail: string | null = null, parentId: string | null = null) =>
    labels.set(`${entity}:${id}`, { label, detail, parentId });
  const refLabels: Record<string, string> = {};
  const customerInScope = seesAllCenters(actor)
    ? undefined
    : or(isNull(customers.centerId), inArray(customers.centerId, sql`(select sc.id from service_centers sc where sc.path like ${`${actor.centerPath}%`})`));

  // Run one after another: the list reads inside a transaction, one connection.
  const jobs: Array<() => Promise<void>> = [];
  const run = (ids: string[], job: (ids: string[]) => Promise<void>) => {
    if (ids.length) jobs.push(() => job(ids));
  };

  // Tickets: the entries' own (already in scope) and those named in values (only when visible).
  const ticketIds = ids('ticket');
  run([...new Set([...ticketIds, ...refList])], async (all) => {
    const own = new Set(ticketIds);
    const rows = await db
      .select({ id: tickets.id, number: tickets.number, title: tickets.title, visible: visibleTo(actor) ? sql<boolean>`${visibleTo(actor)}` : sql<boolean>`true` })
      .from(tickets)
      .where(inArray(tickets.id, all));
    for (const r of rows) {
      if (own.has(r.id)) put('ticket', r.id, r.number, r.title);
      if (refs.has(r.id) && r.visible) refLabels[r.id] = r.number;
    }
  });
  run(ids('attachment'), async (list) => {
    const rows = await db
      .select({ id: attachments.id, filename: attachments.filename, ticketId: tickets.id, number: tickets.number })
      .from(attachments)
      .innerJoin(tickets, eq(tickets.id, attachments.ticketId))
      .where(inArray(attachments.id, list));
    for (const r of rows) put('attachment', r.id, r.filename, r.number, r.ticketId);
  });
  const customerIds = ids('customer');
  run([...new Set([...customerIds, ...refList])], async (all) => {
    const own = new Set(customerIds);
    const rows = await db
      .select({ id: customers.id, name: customers.name, code: customers.code, inScope: customerInScope ? sql<boolean>`${customerInScope}` : sql<boolean>`true` })
      .from(customers)
      .where(inArray(customers.id, all));
    for (const r of rows) {
      if (own.has(r.id)) put('customer', r.id, r.name, r.code);
      if (refs.has(r.id) && r.inScope) refLabels[r.id] = r.name;
    }
  });
  run(ids('contact'), async (list) => {
    const rows = await db
      .select({ id: contacts.id, name: contacts.name, customerId: customers.id, customer: customers.name })
      .from(contacts)
      .innerJoin(customers, eq(customers.id, contacts.customerId))
      .where(inArray(contacts.id, list));
    for (const r of rows) put('contact', r.id, r.name, r.customer, r.customerId);
  });
  run(ids('site'), async (list) => {
    const rows = await db
      .select({ id: sites.id, name: sites.name, customerId: customers.id, customer: customers.name })
      .from(sites)
      .innerJoin(customers, eq(customers.id, sites.customerId))
      .where(inArray(sites.id, list));
    for (const r of rows) put('site', r.id, r.name, r.customer, r.customerId);
  });
  run(ids('device'), async (list) => {
    const rows = await db
      .select({ id: devices.id, serial: devices.serial, customerId: customers.id, customer: customers.name })
      .from(devices)
      .innerJoin(customers, eq(customers.id, devices.customerId))
      .where(inArray(devices.id, list));
    for (const r of rows) put('device', r.id, r.serial, r.customer, r.customerId);
  });
  // Contracts: the entries' own, and those named in values (a contract file's contractId).
  const contractIds = ids('contract');
  run([...new Set([...contractIds, ...refList])], async (all) => {
    const rows = await db
      .select({ id: contracts.id, number: contracts.number, customerId: customers.id, customer: customers.name })
      .from(contracts)
      .innerJoin(customers, eq(customers.id, contracts.customerId))
      .where(inArray(contracts.id, all));
    for (const r of rows) {
      put('contract', r.id, r.number, r.customer, r.customerId);
      refLabels[r.id] = r.number;
    }
  });
  run(ids('contract_attachment'), async (list) => {
    const rows = await db
      .select({ id: contractAttachments.id, filename: contractAttachments.filename, contractId: contracts.id, number: contracts.number })
      .from(contractAttachments)
      .innerJoin(contracts, eq(contracts.id, contractAttachments.contractId))
      .where(inArray(contractAttachments.id, list));
    for (const r of rows) put('contract_attachment', r.id, r.filename, r.number, r.contractId);
  });
  run(ids('product'), async (list) => {
    const rows = await db.select({ id: products.id, model: products.model, name: products.name }).from(products).where(inArray(products.id, list));
    for (const r of rows) put('product', r.id, r.model, r.name);
  });
  // Staff-readable directories: the entries' own objects and any id named in values, in one query each.
  const userIds = ids('user');
  run([...new Set([...userIds, ...refList])], async (all) => {
    const rows = await db.select({ id: users.id, name: users.name, username: users.username }).from(users).where(inArray(users.id, all));
    for (const r of rows) {
      put('user', r.id, r.name, r.username);
      refLabels[r.id] = r.name;
    }
  });
  run([...new Set([...ids('center'), ...refList])], async (all) => {
    const rows = await db.select({ id: serviceCenters.id, name: serviceCenters.name, code: serviceCenters.code }).from(serviceCenters).where(inArray(serviceCenters.id, all));
    for (const r of rows) {
      put('center', r.id, r.name, r.code);
      refLabels[r.id] = r.name;
    }
  });
  run([...new Set([...ids('calendar'), ...refList])], async (all) => {
    const rows = await db.select({ id: calendars.id, name: calendars.name, key: calendars.key }).from(calendars).where(inArray(calendars.id, all));
    for (const r of rows) {
      put('calendar', r.id, r.name, r.key);
      refLabels[r.id] = r.name;
    }
  });
  run([...new Set([...ids('sla_policy'), ...refList])], async (all) => {
    const rows = await db.select({ id: slaPolicies.id, name: slaPolicies.name, key: slaPolicies.key }).from(slaPolicies).where(inArray(slaPolicies.id, all));
    for (const r of rows) {
      put('sla_policy', r.id, r.name, r.key);
      refLabels[r.id] = r.name;
    }
  });
  run(ids('escalation_rule'), async (list) => {
    const rows = await db
      .select({ id: escalationRules.id, severity: escalationRules.severity, level: escalationRules.level })
      .from(escalationRules)
      .where(inArray(escalationRules.id, list));
    for (const r of rows) put('escalation_rule', r.id, `${r.severity} L${r.level}`);
  });
  run(ids('escalation_contact'), async (list) => {
    const rows = await db.select({ id: escalationContacts.id, name: escalationContacts.name }).from(escalationContacts).where(inArray(escalationContacts.id, list));
    for (const r of rows) put('escalation_contact', r.id, r.name);
  });
  run(ids('macro'), async (list) => {
    const rows = await db.select({ id: macros.id, name: macros.name }).from(macros).where(inArray(macros.id, list));
    for (const r of rows) put('macro', r.id, r.name);
  });
  run(ids('saved_view'), async (list) => {
    const rows = await db.select({ id: savedViews.id, name: savedViews.name }).from(savedViews).where(inArray(savedViews.id, list));
    for (const r of rows) put('saved_view', r.id, r.name);
  });
  // Mailboxes: the entries' own and those named in values (a quarantined mail's or identity's mailboxId).
  run([...new Set([...ids('mailbox'), ...refList])], async (all) => {
    const rows = await db.select({ id: mailboxes.id, name: mailboxes.name, address: mailboxes.address }).from(mailboxes).where(inArray(mailboxes.id, all));
    for (const r of rows) {
      put('mailbox', r.id, r.name, r.address);
      refLabels[r.id] = r.name;
    }
  });
  run(ids('mail_quarantine'), async (list) => {
    const rows = await db
      .select({ id: mailQuarantine.id, subject: mailQuarantine.subject, from: mailQuarantine.fromAddress })
      .from(mailQuarantine)
      .where(inArray(mailQuarantine.id, list));
    for (const r of rows) put('mail_quarantine', r.id, r.subject?.trim() || r.from || null, r.subject?.trim() ? r.from : null);
  });
  run(ids('api_token'), async (list) => {
    const rows = await db.select({ id: apiTokens.id, name: apiTokens.name }).from(apiTokens).where(inArray(apiTokens.id, list));
    for (const r of rows) put('api_token', r.id, r.name);
  });
  for (const job of jobs) await job();

  return {
    label(e: Entry): EntityLabel {
      const found = labels.get(`${e.entity}:${e.entityId}`);
      if (found) return found;
      // Objects named by their id itself (event consumers, checklist steps), or gone since.
      if (e.entity === 'event_consumer' || e.entity === 'setup') return { label: e.entityId, detail: null, parentId: null };
      if (e.entity === 'mail_template') {
        const [event, language] = e.entityId.split(':');
        return { label: event ?? e.entityId, detail: language ?? null, parentId: null };
      }
      return { label: carriedName(e), detail: null, parentId: null };
    },
    refs(e: Entry): Record<string, string> {
      const mine = new Set<string>();
      refIds(e.before, mine);
      refIds(e.after, mine);
      return Object.fromEntries([...mine].filter((id) => refLabels[id]).map((id) => [id, refLabels[id]!]));
    },
  };
}
