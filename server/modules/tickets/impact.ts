/**
 * The customer's words for a fault's impact, and the severity they imply (seed definitions, DESIGN.md
 * "Severity"): down → P1, limited → P2, impaired → P3, question → P4. A customer never sets a
 * severity: what they report is a proposal (`severity_pending`) that staff confirm within the
 * response time — as it is (`POST /api/tickets/:id/severity-confirmation`) or by changing the
 * severity with a reason (PATCH, which clears the mark too). The SLA runs on the proposed
 * severity from the start, so an unconfirmed P1 is treated as a P1.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams, Ticket } from '../../../common/api';
import { IMPACT_SEVERITY, IMPACTS, type Impact, type Severity } from '../../../common/domain';
import type { Db } from '../../db/client';
import { contactPhones, contacts, users } from '../../db/schema';
import { normalizePhone } from '../../domain/phone';
import { requirePermission, type Actor } from '../../platform/actor';
import { AppError, fieldError } from '../../platform/errors';
import { actorOf } from '../../platform/http';
import type { Audit } from '../audit';
import type { TicketCommands } from './command';
import { addEvent } from './events';
import type { TicketService } from './service';

export const impactOfSeverity = (severity: Severity): Impact => IMPACTS.find((i) => IMPACT_SEVERITY[i] === severity)!;

/**
 * Severity, impact and the pending mark of a new ticket. A customer's `severity` (older API clients)
 * stands for the impact it implies; a customer's report is always pending. Staff choose the
 * severity; one implied by an impact alone is pending like a customer's.
 */
export function classifyReport(input: { severity?: Severity; impact?: Impact }, byCustomer: boolean) {
  const { severity, impact } = input;
  if (severity && impact && IMPACT_SEVERITY[impact] !== severity) {
    throw fieldError('severity', 'field.impact_severity_mismatch', `impact "${impact}" implies ${IMPACT_SEVERITY[impact]}, not ${severity}; send only the impact`, {
      impact,
      severity,
    });
  }
  if (byCustomer) {
    const described = impact ?? (severity ? impactOfSeverity(severity) : undefined);
    if (!described) throw fieldError('impact', 'field.required', `is required: one of ${IMPACTS.join(', ')}`);
    return { severity: IMPACT_SEVERITY[described], impact: described, severityPending: true };
  }
  const chosen = severity ?? (impact ? IMPACT_SEVERITY[impact] : undefined);
  if (!chosen) throw fieldError('severity', 'field.required', 'is required (or give the impact it follows from)');
  return { severity: chosen, impact: impact ?? null, severityPending: severity === undefined };
}

/**
 * The contact record of a signed-in customer user: customer users and contacts are separate rows
 * (an account may exist without a contact and the other way round), so they are matched within the
 * user's organisation by e-mail (case-insensitive), else by phone (normalised digits, as the hotline
 * compares them); the first by name when several match; null when none does. A customer's report
 * without a contact gets this one, so "the person who reported it" hears about it by mail.
 */
export async function contactOfCustomerUser(tx: Db, userId: string): Promise<string | null> {
  const [user] = await tx.select({ customerId: users.customerId, email: users.email, phone: users.phone }).from(users).where(eq(users.id, userId));
  if (!user?.customerId) return null;
  const email = user.email?.trim();
  if (email) {
    const [byMail] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.customerId, user.customerId), sql`lower(${contacts.email}) = lower(${email})`))
      .orderBy(asc(contacts.name), asc(contacts.id))
      .limit(1);
    if (byMail) return byMail.id;
  }
  const phone = user.phone ? normalizePhone(user.phone) : '';
  if (phone) {
    const [byPhone] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .innerJoin(contactPhones, eq(contactPhones.contactId, contacts.id))
      .where(and(eq(contacts.customerId, user.customerId), eq(contactPhones.normalized, phone)))
      .orderBy(asc(contacts.name), asc(contacts.id))
      .limit(1);
    if (byPhone) return byPhone.id;
  }
  return null;
}

export function createSeverityConfirmation(deps: { commands: TicketCommands; audit: Audit }) {
  return {
    /** Staff take the proposed severity as it is: the mark goes, the timeline says who confirmed. */
    async confirm(actor: Actor, id: string) {
      requirePermission(actor, 'tickets.update');
      await deps.commands.change(actor, id, async (write) => {
        const { tx, ticket, now } = write;
        if (!ticket.severityPending) {
          throw new AppError('ticket.severity_not_pending', `Severity ${ticket.severity} is not waiting for confirmation`, { severity: ticket.severity });
        }
        await write.update({ severityPending: false });
        await addEvent(tx, id, actor.id, now, {
          kind: 'severity_confirmed',
          public: true,
          data: { severity: ticket.severity, impact: ticket.impact },
        });
        await deps.audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'ticket', id, 'severity_confirmed', { severityPending: true }, {
          severity: ticket.severity,
          severityPending: false,
        });
        write.emit('ticket.updated', { fields: ['severityPending'] });
      });
    },
  };
}

export function severityConfirmationRoutes(
  app: FastifyInstance,
  deps: { severityConfirmation: ReturnType<typeof createSeverityConfirmation>; tickets: TicketService },
) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/tickets/:id/severity-confirmation',
    {
      config: { auth: 'tickets.update', token: 'tickets:write' },
      schema: {
        tags: ['tickets'],
        summary: 'Confirm the severity the customer\'s impact implied (409 when it is not waiting for confirmation)',
        params: IdParams,
        response: { 200: Ticket },
      },
    },
    async (request) => {
      await deps.severityConfirmation.confirm(actorOf(request), request.params.id);
      return deps.tickets.get(actorOf(request), request.params.id);
    },
  );
}
