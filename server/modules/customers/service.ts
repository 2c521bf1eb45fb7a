/**
 * Customers (tenant organisations), their sites and contacts, and caller identification by
 * phone. A customer user sees only their own organisation; another one answers "not found".
 */
import { and, asc, eq, ilike, inArray, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import {
  ContactCreate as ContactCreateSchema,
  CustomerCreate as CustomerCreateSchema,
  SiteCreate as SiteCreateSchema,
  type Contact,
  type ContactCreate,
  type ContactUpdate,
  type Customer,
  type CustomerCreate,
  type CustomerDetail,
  type CustomerDetailForCustomer,
  type CustomerForCustomer,
  type CustomerListQuery,
  type CustomerUpdate,
  type PhoneMatch,
  type Site,
  type SiteCreate,
} from '../../../common/api';
import type { Db } from '../../db/client';
import { contactPhones, contacts, customers, serviceCenters, sites, slaPolicies, tickets } from '../../db/schema';
import { reevaluateOpenTickets } from '../time-rules';
import { containsPattern } from '../../db/text';
import { normalizePhone, phoneDigits } from '../../domain/phone';
import { OPEN_STATUSES } from '../../domain/ticket-lifecycle';
import { isCustomer, type Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, fieldError, notFound } from '../../platform/errors';
import { diff, type Audit } from '../audit';
import { assertCustomerVisible, assertCustomerWritable, centerInScope } from './scope';

type CustomerRow = typeof customers.$inferSelect;

// Written with qualified names: Drizzle leaves columns unqualified in single-table selects, which
// inside a correlated subquery would silently compare tickets.id with itself.
const openTicketCount = sql<number>`(select count(*)::int from tickets t where t.customer_id = customers.id and t.status in (${sql.join(
  OPEN_STATUSES.map((s) => sql`${s}`),
  sql`, `,
)}))`;

const toCustomerDto = (row: CustomerRow & { openTickets: number }): Customer => ({
  id: row.id,
  name: row.name,
  code: row.code,
  industry: row.industry,
  region: row.region,
  notes: row.notes,
  centerId: row.centerId,
  slaPolicyId: row.slaPolicyId,
  createdAt: row.createdAt.toISOString(),
  openTickets: row.openTickets,
});

/** The customer-facing shape, built from the row (not the staff shape with fields deleted). */
const toCustomerForCustomer = (row: CustomerRow & { openTickets: number }): CustomerForCustomer => ({
  id: row.id,
  name: row.name,
  code: row.code,
  industry: row.industry,
  region: row.region,
  createdAt: row.createdAt.toISOString(),
  openTickets: row.openTickets,
});

export function createCustomerService(deps: { db: Db; clock: Clock; audit: Audit }) {
  const { db, clock, audit } = deps;

  const assertVisible = assertCustomerVisible;
  const assertWritable = assertCustomerWritable;

  /** Staff may not place a customer in a center outside their scope (refused before writing). */
  async function assertCenterTarget(tx: Db, actor: Actor | null, centerId: string | null | undefined) {
    if (!actor || !centerId || (await centerInScope(tx, actor, centerId))) return;
    throw new AppError('scope.customer_center_forbidden', 'That service center is outside your scope: you may not place a customer there', { centerId });
  }

  /** The service level decides every open ticket's deadlines: a manager's or an administrator's call. */
  function assertMaySetServiceLevel(actor: Actor | null) {
    if (!actor || actor.role === 'admin' || actor.role === 'manager') return;
    throw new AppError('scope.customer_sla_policy_forbidden', "Only a manager or an administrator may change a customer's service level (SLA policy)", {
      role: actor.role,
    });
  }

  /** Only a manager or an administrator says a bounced address works again (the next mail may bounce too). */
  function assertMayClearEmailFailing(actor: Actor) {
    if (actor.role === 'admin' || actor.role === 'manager') return;
    throw new AppError('scope.contact_email_failing_forbidden', "Only a manager or an administrator may clear a contact's bounced-address mark", {
      role: actor.role,
    });
  }

  /** One customer the actor may see with its contacts and sites; each audience shapes it. */
  async function loadDetail(actor: Actor, id: string) {
    assertVisible(actor, id);
    const [row] = await db
      .select({ ...customersColumns(), openTickets: openTicketCount })
      .from(customers)
      .where(eq(customers.id, id));
    if (!row) throw notFound('customer.not_found', 'Customer');
    const siteRows = await db.select().from(sites).where(eq(sites.customerId, id)).orderBy(asc(sites.name));
    return { row, contacts: await loadContacts(db, eq(contacts.customerId, id)), sites: siteRows.map(toSiteDto) };
  }

  async function loadContacts(db_: Db, where: SQL): Promise<Contact[]> {
    const rows = await db_.select().from(contacts).where(where).orderBy(asc(contacts.name));
    if (rows.length === 0) return [];
    const phones = await db_
      .select()
      .from(contactPhones)
      .where(inArray(contactPhones.contactId, rows.map((c) => c.id)))
      .orderBy(asc(contactPhones.number));
    return rows.map((c) => ({
      id: c.id,
      customerId: c.customerId,
      name: c.name,
      title: c.title,
      email: c.email,
      isLeader: c.isLeader,
      language: c.language,
      phones: phones.filter((p) => p.contactId === c.id).map((p) => p.number),
      emailFailingAt: c.emailFailingAt?.toISOString() ?? null,
      emailFailingReason: c.emailFailingReason,
    }));
  }

  async function checkReferences(tx: Db, refs: { centerId?: string | null; slaPolicyId?: string | null }) {
    if (refs.centerId) {
      const [c] = await tx.select({ id: serviceCenters.id }).from(serviceCenters).where(eq(serviceCenters.id, refs.centerId));
      if (!c) throw fieldError('centerId', 'field.no_such_center', 'no such service center');
    }
    if (refs.slaPolicyId) {
      const [p] = await tx.select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.id, refs.slaPolicyId));
      if (!p) throw fieldError('slaPolicyId', 'field.no_such_sla_policy', 'no such SLA policy');
    }
  }

  async function assertNameFree(tx: Db, name: string, exceptId?: string) {
    const [taken] = await tx
      .select({ id: customers.id })
      .from(customers)
      .where(eq(sql`lower(${customers.name})`, name.toLowerCase()));
    if (taken && taken.id !== exceptId) {
      throw new AppError('customer.name_taken', `A customer named "${name}" already exists`, { name, fields: [{ path: 'name', message: 'taken', key: 'field.taken' }], existingId: taken.id });
    }
  }

  /** Codes are unique whatever their case (the index on lower(code) holds it; this names the holder). */
  async function assertCodeFree(tx: Db, code: string | null | undefined, exceptId?: string) {
    if (!code) return;
    const [taken] = await tx
      .select({ id: customers.id, name: customers.name, code: customers.code })
      .from(customers)
      .where(eq(sql`lower(${customers.code})`, code.toLowerCase()));
    if (taken && taken.id !== exceptId) {
      throw new AppError('customer.code_taken', `The code "${code}" is already used by the customer "${taken.name}"`, {
        code: taken.code ?? code,
        name: taken.name,
        fields: [{ path: 'code', message: 'taken', key: 'field.taken' }],
        existingId: taken.id,
      });
    }
  }

  async function writePhones(tx: Db, contactId: string, numbers: string[]) {
    await tx.delete(contactPhones).where(eq(contactPhones.contactId, contactId));
    const unique = [...new Map(numbers.map((n) => [normalizePhone(n), n.trim()])).entries()].filter(([key]) => key);
    if (unique.length) {
      await tx.insert(contactPhones).values(unique.map(([normalized, number]) => ({ contactId, number, normalized })));
    }
  }

  return {
    assertVisible,

    /** A customer user's own organisation, in the customer-facing shape. */
    async listForCustomer(actor: Actor, query: CustomerListQuery): Promise<CustomerForCustomer[]> {
      const rows = await db
        .select({ ...customersColumns(), openTickets: openTicketCount })
        .from(customers)
        .where(and(eq(customers.id, actor.customerId!), query.q ? or(ilike(customers.name, containsPattern(query.q)), ilike(customers.code, containsPattern(query.q))) : undefined))
        .limit(query.limit)
        .offset(query.offset);
      return rows.map(toCustomerForCustomer);
    },

    async getForCustomer(actor: Actor, id: string): Promise<CustomerDetailForCustomer> {
      const { row, ...parts } = await loadDetail(actor, id);
      return { ...toCustomerForCustomer(row), ...parts };
    },

    async list(actor: Actor, query: CustomerListQuery): Promise<Customer[]> {
      const conditions = [
        isCustomer(actor) ? eq(customers.id, actor.customerId!) : undefined,
        query.q ? or(ilike(customers.name, containsPattern(query.q)), ilike(customers.code, containsPattern(query.q))) : undefined,
      ];
      const rows = await db
        .select({ ...customersColumns(), openTickets: openTicketCount })
        .from(customers)
        .where(and(...conditions))
        .orderBy(asc(customers.name))
        .limit(query.limit)
        .offset(query.offset);
      return rows.map(toCustomerDto);
    },

    async get(actor: Actor, id: string): Promise<CustomerDetail> {
      const { row, ...parts } = await loadDetail(actor, id);
      return { ...toCustomerDto(row), ...parts };
    },

    async create(actor: Actor | null, raw: CustomerCreate): Promise<Customer> {
      const input = CustomerCreateSchema.parse(raw);
      return db.transaction(async (tx) => {
        if (input.slaPolicyId) assertMaySetServiceLevel(actor);
        await assertNameFree(tx, input.name);
        await assertCodeFree(tx, input.code);
        await checkReferences(tx, input);
        await assertCenterTarget(tx, actor, input.centerId);
        const now = clock.now();
        const [row] = await tx
          .insert(customers)
          .values({ ...input, centerId: input.centerId ?? null, slaPolicyId: input.slaPolicyId ?? null, createdAt: now, updatedAt: now })
          .returning();
        const dto = toCustomerDto({ ...row!, openTickets: 0 });
        await audit.record(tx, { actorId: actor?.id ?? null, ip: actor?.ip }, 'customer', dto.id, 'created', null, dto);
        return dto;
      });
    },

    async update(actor: Actor, id: string, patch: CustomerUpdate): Promise<Customer> {
      return db.transaction(async (tx) => {
        await assertWritable(tx, actor, id);
        const [before] = await tx.select().from(customers).where(eq(customers.id, id)).for('update');
        if (!before) throw notFound('customer.not_found', 'Customer');
        if (patch.slaPolicyId !== undefined && patch.slaPolicyId !== before.slaPolicyId) assertMaySetServiceLevel(actor);
        if (patch.name) await assertNameFree(tx, patch.name, id);
        await assertCodeFree(tx, patch.code, id);
        await checkReferences(tx, patch);
        if (patch.centerId !== undefined && patch.centerId !== before.centerId) await assertCenterTarget(tx, actor, patch.centerId);
        const [after] = await tx
          .update(customers)
          .set({ ...patch, updatedAt: clock.now() })
          .where(eq(customers.id, id))
          .returning();
        const changes = diff(before, after!);
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'customer', id, 'updated', changes.before, changes.after);
        if ('slaPolicyId' in changes.after) {
          // A new service level: the customer's open tickets (without a policy of their own) are re-derived.
          await reevaluateOpenTickets(tx, clock.now(), and(eq(tickets.customerId, id), isNull(tickets.slaPolicyId)));
        }
        const [{ n } = { n: 0 }] = await tx.select({ n: openTicketCount }).from(customers).where(eq(customers.id, id));
        return toCustomerDto({ ...after!, openTickets: n });
      });
    },

    async addContact(actor: Actor, customerId: string, raw: ContactCreate): Promise<Contact> {
      const input = ContactCreateSchema.parse(raw);
      return db.transaction(async (tx) => {
        await assertWritable(tx, actor, customerId);
        const [row] = await tx
          .insert(contacts)
          .values({
            customerId,
            name: input.name,
            title: input.title ?? null,
            email: input.email ?? null,
            isLeader: input.isLeader ?? false,
            language: input.language ?? null,
            createdAt: clock.now(),
          })
          .returning();
        await writePhones(tx, row!.id, input.phones ?? []);
        const [dto] = await loadContacts(tx, eq(contacts.id, row!.id));
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'contact', row!.id, 'created', null, dto);
        return dto!;
      });
    },

    async updateContact(actor: Actor, customerId: string, contactId: string, patch: ContactUpdate): Promise<Contact> {
      return db.transaction(async (tx) => {
        await assertWritable(tx, actor, customerId);
        const [before] = await loadContacts(tx, eq(contacts.id, contactId));
        if (!before || before.customerId !== customerId) throw notFound('contact.not_found', 'Contact');
        const { phones, emailFailing, ...fields } = patch;
        if (emailFailing === false && before.emailFailingAt) assertMayClearEmailFailing(actor);
        // A bounce mark belongs to the address: a new one is not known to fail; the same one typed again still is.
        const newAddress = fields.email !== undefined && normalizeEmail(fields.email) !== normalizeEmail(before.email);
        const set = newAddress || emailFailing === false ? { ...fields, emailFailingAt: null, emailFailingReason: null } : fields;
        if (Object.keys(set).length) await tx.update(contacts).set(set).where(eq(contacts.id, contactId));
        if (phones) await writePhones(tx, contactId, phones);
        const [after] = await loadContacts(tx, eq(contacts.id, contactId));
        const changes = diff(before, after!);
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'contact', contactId, 'updated', changes.before, changes.after);
        return after!;
      });
    },

    async addSite(actor: Actor, customerId: string, raw: SiteCreate): Promise<Site> {
      const input = SiteCreateSchema.parse(raw);
      return db.transaction(async (tx) => {
        await assertWritable(tx, actor, customerId);
        const [row] = await tx
          .insert(sites)
          .values({ customerId, name: input.name, address: input.address ?? null, region: input.region ?? null, createdAt: clock.now() })
          .returning();
        const dto = toSiteDto(row!);
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'site', dto.id, 'created', null, dto);
        return dto;
      });
    },

    /**
     * Caller identification. A complete number matches exactly on the normalised form (indexed);
     * while the agent is still typing (4+ digits) numbers containing those digits are offered too.
     */
    async lookupPhone(phone: string): Promise<PhoneMatch[]> {
      const exact = normalizePhone(phone);
      const digits = phoneDigits(phone);
      if (digits.length < 4) return [];
      const matches = await db
        .selectDistinct({ contactId: contactPhones.contactId, normalized: contactPhones.normalized })
        .from(contactPhones)
        .where(or(eq(contactPhones.normalized, exact), like(contactPhones.normalized, containsPattern(digits))))
        .limit(50);
      if (matches.length === 0) return [];
      const found = await loadContacts(db, inArray(contacts.id, [...new Set(matches.map((m) => m.contactId))]));
      const names = await db
        .select({ id: customers.id, name: customers.name })
        .from(customers)
        .where(inArray(customers.id, [...new Set(found.map((c) => c.customerId))]));
      const exactIds = new Set(matches.filter((m) => m.normalized === exact).map((m) => m.contactId));
      return found
        .map((contact) => ({
          contact,
          customer: names.find((n) => n.id === contact.customerId)!,
          match: exactIds.has(contact.id) ? ('exact' as const) : ('partial' as const),
        }))
        .sort((a, b) => (a.match === b.match ? a.contact.name.localeCompare(b.contact.name) : a.match === 'exact' ? -1 : 1));
    },
  };
}

export type CustomerService = ReturnType<typeof createCustomerService>;

function customersColumns() {
  return {
    id: customers.id,
    name: customers.name,
    code: customers.code,
    industry: customers.industry,
    region: customers.region,
    notes: customers.notes,
    centerId: customers.centerId,
    slaPolicyId: customers.slaPolicyId,
    createdAt: customers.createdAt,
    updatedAt: customers.updatedAt,
  };
}

const normalizeEmail = (email: string | null | undefined) => email?.trim().toLowerCase() || null;

function toSiteDto(row: typeof sites.$inferSelect): Site {
  return { id: row.id, customerId: row.customerId, name: row.name, address: row.address, region: row.region };
}
