/**
 * The installed base on tickets (issue 11): naming devices on a ticket, the second-failure rule's
 * replacement proposals (seed 003: a product failing a second time is replaced with a new one) and
 * the installed-base settings.
 *
 * The rule runs as the `installed-base` event consumer: when a fault ticket is resolved, each
 * device it names whose fault tickets (type fault, the rule's severities, resolved, within the
 * device's warranty or the last N days) reach the rule's count gets one pending proposal — unique
 * per device and triggering ticket, and at most one pending per device, so a consumer run twice or
 * a ticket resolved again proposes nothing more — and the managers responsible for the customer
 * hear of it (bell). Approving records the swap in one transaction: the old unit `replaced`, a new
 * unit in service with the same product (or the one chosen), customer, site, location and asset
 * tag, its warranty starting again (三包: a replaced product's warranty runs from the exchange),
 * both histories linked (`replaces_id` / `replaced_by_id`), so the device page of the new unit
 * shows the old one's history too.
 */
import { and, asc, desc, eq, isNull, or, sql } from 'drizzle-orm';
import {
  type InstalledBaseSettings,
  InstalledBaseSettings as InstalledBaseSettingsSchema,
  type ReplacementDecision,
  type ReplacementProposal,
  type ReplacementStatus,
  SecondFailureRule,
  type Ticket,
  type TicketDevicesSet,
} from '../../../common/api';
import { rows, type Db } from '../../db/client';
import { customers, deviceEvents, devices, outbox, products, replacementProposals, serviceCenters, tickets, users } from '../../db/schema';
import { dayIn, warrantyEnd } from '../../domain/installed-base/entitlement';
import type { DomainEvent } from '../../../common/api/events';
import { requirePermission, type Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, fieldError, notFound } from '../../platform/errors';
import type { Audit } from '../audit';
import { readRenewalReminderSettings, readSetting, SETTING_KEYS, writeSetting } from '../contracts/settings';
import { assertCustomerWritable } from '../customers/scope';
import type { EventConsumer } from '../events/consumers';
import type { TicketCommands } from '../tickets/command';
import { rejudgeTicket } from './ticket-devices';

/** The second-failure rule's settings key (desk_settings). */
const SECOND_FAILURE_KEY = 'installed_base.second_failure';

export interface InstalledBaseDeps {
  db: Db;
  clock: Clock;
  audit: Audit;
  timeZone: string;
  filesDir: string;
  maxUploadBytes: number;
  commands: TicketCommands;
  /** The ticket as its reader sees it, after a write. */
  presentTicket: (actor: Actor, id: string) => Promise<Ticket>;
}

export const readSecondFailureRule = (db: Db) => readSetting(db, SECOND_FAILURE_KEY, SecondFailureRule);

export function createInstalledBaseService(deps: InstalledBaseDeps) {
  const { db, clock, audit, timeZone, commands } = deps;

  async function loadProposals(db_: Db, where: ReturnType<typeof and>): Promise<ReplacementProposal[]> {
    const found = await db_
      .select({
        p: replacementProposals,
        serial: devices.serial,
        warrantyEndsOn: devices.warrantyEndsOn,
        product: sql<string>`${products.model} || ' ' || ${products.name}`,
        customer: { id: customers.id, name: customers.name },
        ticket: { id: tickets.id, number: tickets.number, title: tickets.title },
        decidedBy: sql<{ id: string; name: string } | null>`(select json_build_object('id', u.id, 'name', u.name) from users u where u.id = ${replacementProposals.decidedById})`,
        newDevice: sql<{ id: string; serial: string } | null>`(select json_build_object('id', n.id, 'serial', n.serial) from devices n where n.id = ${replacementProposals.newDeviceId})`,
        counted: sql<Array<{ id: string; number: string; title: string; reportedAt: string }>>`coalesce((select json_agg(json_build_object('id', c.id, 'number', c.number, 'title', c.title, 'reportedAt', c.reported_at) order by c.reported_at) from tickets c where c.id = any(${replacementProposals.countedTicketIds})), '[]'::json)`,
      })
      .from(replacementProposals)
      .innerJoin(devices, eq(devices.id, replacementProposals.deviceId))
      .innerJoin(products, eq(products.id, devices.productId))
      .innerJoin(customers, eq(customers.id, devices.customerId))
      .innerJoin(tickets, eq(tickets.id, replacementProposals.ticketId))
      .where(where)
      .orderBy(sql`${replacementProposals.status} = 'pending' desc`, desc(replacementProposals.createdAt))
      .limit(500);
    return found.map((r) => ({
      id: r.p.id,
      device: { id: r.p.deviceId, serial: r.serial, product: r.product, warrantyEndsOn: r.warrantyEndsOn },
      customer: r.customer,
      ticket: r.ticket,
      counted: r.counted.map((c) => ({ ...c, reportedAt: new Date(c.reportedAt).toISOString() })),
      status: r.p.status,
      decidedBy: r.decidedBy,
      decidedAt: r.p.decidedAt?.toISOString() ?? null,
      decisionNote: r.p.decisionNote,
      newDevice: r.newDevice,
      createdAt: r.p.createdAt.toISOString(),
    }));
  }

  async function getProposal(db_: Db, id: string) {
    const [found] = await loadProposals(db_, eq(replacementProposals.id, id));
    if (!found) throw notFound('replacement.not_found', 'Replacement proposal');
    return found;
  }

  return {
    /** PUT /api/tickets/:id/devices: the devices the ticket names, and its entitlement judged again. */
    async setTicketDevices(actor: Actor, ticketId: string, input: TicketDevicesSet): Promise<Ticket> {
      requirePermission(actor, 'devices.write');
      await commands.change(actor, ticketId, (write) =>
        rejudgeTicket(write, { audit, timeZone }, { customerId: write.ticket.customerId, siteId: write.ticket.siteId, deviceIds: input.deviceIds }),
      );
      return deps.presentTicket(actor, ticketId);
    },

    async listProposals(actor: Actor, status?: ReplacementStatus): Promise<ReplacementProposal[]> {
      requirePermission(actor, 'replacements.decide');
      return loadProposals(db, status ? eq(replacementProposals.status, status) : undefined);
    },

    async decide(actor: Actor, id: string, decision: ReplacementDecision): Promise<ReplacementProposal> {
      requirePermission(actor, 'replacements.decide');
      const now = clock.now();
      await db.transaction(async (tx) => {
        const [proposal] = await tx.select().from(replacementProposals).where(eq(replacementProposals.id, id)).for('update');
        if (!proposal) throw notFound('replacement.not_found', 'Replacement proposal');
        const [old] = await tx.select().from(devices).where(eq(devices.id, proposal.deviceId)).for('update');
        if (!old) throw notFound('replacement.not_found', 'Replacement proposal');
        await assertCustomerWritable(tx, actor, old.customerId);
        if (proposal.status !== 'pending') {
          throw new AppError('replacement.decided', 'This proposal was already decided', { status: proposal.status });
        }
        if (decision.decision === 'reject') {
          await tx
            .update(replacementProposals)
            .set({ status: 'rejected', decidedById: actor.id, decidedAt: now, decisionNote: decision.note })
            .where(eq(replacementProposals.id, id));
          await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'replacement', id, 'rejected', { status: 'pending' }, { status: 'rejected', note: decision.note });
          return;
        }
        const productId = decision.productId ?? old.productId;
        const [product] = await tx.select().from(products).where(eq(products.id, productId));
        if (!product) throw fieldError('productId', 'field.no_such_product', 'no such product');
        const [taken] = await tx
          .select({ id: devices.id })
          .from(devices)
          .where(and(eq(devices.productId, productId), sql`lower(${devices.serial}) = lower(${decision.newSerial})`));
        if (taken) throw new AppError('device.serial_taken', `Serial ${decision.newSerial} is already recorded for this product`, { serial: decision.newSerial });
        const today = dayIn(now, timeZone);
        const [fresh] = await tx
          .insert(devices)
          .values({
            productId,
            serial: decision.newSerial,
            customerId: old.customerId,
            siteId: old.siteId,
            location: old.location,
            installedOn: today,
            warrantyEndsOn: decision.warrantyEndsOn ?? warrantyEnd(today, product.warrantyMonths),
            status: 'in_service',
            assetTag: old.assetTag,
            ip: old.ip,
            attributes: old.attributes,
            replacesId: old.id,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await tx.update(devices).set({ status: 'replaced', replacedById: fresh!.id, updatedAt: now }).where(eq(devices.id, old.id));
        await tx.insert(deviceEvents).values([
          { deviceId: old.id, kind: 'replaced', data: { newDeviceId: fresh!.id, newSerial: fresh!.serial, proposalId: id, note: decision.note }, actorId: actor.id, createdAt: now },
          { deviceId: fresh!.id, kind: 'replacement_of', data: { oldDeviceId: old.id, oldSerial: old.serial, proposalId: id }, actorId: actor.id, createdAt: now },
        ]);
        await tx
          .update(replacementProposals)
          .set({ status: 'approved', decidedById: actor.id, decidedAt: now, decisionNote: decision.note, newDeviceId: fresh!.id })
          .where(eq(replacementProposals.id, id));
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'replacement', id, 'approved', { status: 'pending', deviceId: old.id }, { status: 'approved', newDeviceId: fresh!.id, newSerial: fresh!.serial });
      });
      return getProposal(db, id);
    },

    async settings(): Promise<InstalledBaseSettings> {
      return { secondFailure: await readSecondFailureRule(db), renewalReminders: await readRenewalReminderSettings(db) };
    },

    async saveSettings(actor: Actor, input: InstalledBaseSettings): Promise<InstalledBaseSettings> {
      requirePermission(actor, 'replacements.decide');
      const parsed = InstalledBaseSettingsSchema.parse(input);
      const now = clock.now();
      await db.transaction(async (tx) => {
        const by = { userId: actor.id, now };
        const rule = await writeSetting(tx, SECOND_FAILURE_KEY, SecondFailureRule, parsed.secondFailure, by);
        const reminders = await writeSetting(tx, SETTING_KEYS.renewalReminders, InstalledBaseSettingsSchema.shape.renewalReminders, parsed.renewalReminders, by);
        await audit.record(
          tx,
          { actorId: actor.id, ip: actor.ip },
          'settings',
          'installed_base',
          'updated',
          { secondFailure: rule.before, renewalReminders: reminders.before },
          { secondFailure: rule.after, renewalReminders: reminders.after },
        );
      });
      return this.settings();
    },
  };
}
export type InstalledBaseService = ReturnType<typeof createInstalledBaseService>;

/**
 * The `installed-base` consumer: the second-failure rule on every resolution of a fault ticket
 * that names devices. Idempotent (unique proposal per device and ticket; bell rows unique per event
 * and person).
 */
export function createSecondFailureConsumer(deps: { timeZone: string }): EventConsumer {
  return {
    name: 'installed-base',
    kinds: ['ticket.status_changed'],
    async handle(tx, event: DomainEvent) {
      if (event.kind !== 'ticket.status_changed' || event.payload.to !== 'resolved' || !event.ticketId) return;
      const rule = await readSecondFailureRule(tx);
      if (!rule.enabled) return;
      const [ticket] = await tx.select().from(tickets).where(eq(tickets.id, event.ticketId));
      if (ticket?.type !== 'fault' || !rule.severities.includes(ticket.severity)) return;
      const now = event.occurredAt;
      const windowSql =
        rule.window === 'warranty'
          ? sql`d.warranty_ends_on is not null and (t.reported_at at time zone ${deps.timeZone})::date <= d.warranty_ends_on`
          : sql`t.reported_at >= ${new Date(now.getTime() - rule.window.days * 86_400_000)}`;
      // Per named device: its fault tickets in the window resolved by the time of this event (this one included), oldest
      // first — a later resolution, already in the table when a late consumer handles this event, counts for its own event.
      const counted = await rows<{ device_id: string; customer_id: string; status: string; ids: string[] }>(
        tx,
        sql`select d.id as device_id, d.customer_id, d.status,
              coalesce(array_agg(t.id order by t.reported_at) filter (where t.id is not null), '{}') as ids
            from ticket_devices mine
            join devices d on d.id = mine.device_id
            left join ticket_devices td on td.device_id = d.id
            left join tickets t on t.id = td.ticket_id and t.type = 'fault' and t.severity = any(${`{${rule.severities.join(',')}}`}::text[])
              and t.merged_into_id is null and t.resolved_at is not null and t.resolved_at <= ${now} and ${windowSql}
            where mine.ticket_id = ${ticket.id}
            group by d.id, d.customer_id, d.status`,
      );
      for (const device of counted) {
        const ids = device.ids ?? [];
        if (ids.length < rule.count || !ids.includes(ticket.id)) continue;
        if (device.status === 'replaced' || device.status === 'retired') continue;
        const [created] = await tx
          .insert(replacementProposals)
          .values({ deviceId: device.device_id, ticketId: ticket.id, countedTicketIds: ids, createdAt: now })
          .onConflictDoNothing()
          .returning({ id: replacementProposals.id });
        if (!created) continue;
        const [facts] = await tx
          .select({ serial: devices.serial, customer: customers.name, centerId: customers.centerId })
          .from(devices)
          .innerJoin(customers, eq(customers.id, devices.customerId))
          .where(eq(devices.id, device.device_id));
        const managers = await responsibleManagers(tx, facts?.centerId ?? null);
        if (managers.length) {
          await tx
            .insert(outbox)
            .values(
              managers.map((userId) => ({
                channel: 'inapp' as const,
                userId,
                subject: `设备 ${facts?.serial} 再次故障：建议换新`,
                body: `${facts?.customer} 的设备 ${facts?.serial} 在${rule.window === 'warranty' ? '保修期内' : `${rule.window.days} 天内`}已第 ${ids.length} 次故障（${ticket.number}）。按「二次故障换新」规则已提交换新申请，请在「换新审批」中处理。`,
                ticketId: ticket.id,
                eventId: event.id,
                kind: 'replacement_proposed',
                nextAttemptAt: now,
                createdAt: now,
              })),
            )
            .onConflictDoNothing();
        }
      }
    },
  };
}

/** Managers responsible for a customer's center (its center or a parent, or desk-wide); else the administrators. */
async function responsibleManagers(tx: Db, centerId: string | null): Promise<string[]> {
  const path = centerId ? (await tx.select({ path: serviceCenters.path }).from(serviceCenters).where(eq(serviceCenters.id, centerId)))[0]?.path : null;
  const managers = await tx
    .select({ id: users.id, centerPath: serviceCenters.path })
    .from(users)
    .leftJoin(serviceCenters, eq(serviceCenters.id, users.centerId))
    .where(and(eq(users.role, 'manager'), eq(users.active, true), or(isNull(users.centerId), path ? sql`${path} like ${serviceCenters.path} || '%'` : sql`false`)))
    .orderBy(asc(users.name));
  if (managers.length) return managers.map((m) => m.id);
  const admins = await tx.select({ id: users.id }).from(users).where(and(eq(users.role, 'admin'), eq(users.active, true)));
  return admins.map((a) => a.id);
}

