/**
 * The ticket status machine: which status may follow which, and who may move it.
 *
 *   new → assigned → in_progress ⇄ pending_customer → resolved → closed
 *   resolved → in_progress (reopen); any open status → cancelled
 *
 * Pure: the service asks, this answers.
 */
import type { Role, TicketStatus } from '../../common/domain';
import { isCustomerRole } from '../../common/domain';

const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['assigned', 'cancelled'],
  assigned: ['in_progress', 'cancelled'],
  in_progress: ['pending_customer', 'resolved', 'cancelled'],
  pending_customer: ['in_progress', 'resolved', 'cancelled'],
  resolved: ['closed', 'in_progress'],
  closed: [],
  cancelled: [],
};

/** Statuses in which work is still owed to the customer. */
export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'assigned', 'in_progress', 'pending_customer'];
export const isOpen = (status: TicketStatus) => OPEN_STATUSES.includes(status);

/** What a customer may do in the portal: confirm a resolution, say it is not fixed, withdraw a new report. */
const CUSTOMER_MOVES: ReadonlyArray<readonly [TicketStatus, TicketStatus]> = [
  ['resolved', 'closed'],
  ['resolved', 'in_progress'],
  ['new', 'cancelled'],
];

/**
 * Who is asking about which ticket, where it matters: a customer user withdraws only a report they
 * made themselves (not one staff took on the phone, nor a colleague's); a customer leader any of
 * their organisation's. Without it, a customer user is treated as not the reporter.
 */
export interface TransitionContext {
  /** The actor created the ticket (tickets.created_by_id). */
  reporter: boolean;
}

const mayWithdraw = (role: Role, context?: TransitionContext) => role === 'customer_leader' || context?.reporter === true;

export function nextStatuses(from: TicketStatus, role?: Role, context?: TransitionContext): TicketStatus[] {
  const all = TRANSITIONS[from];
  if (!role || !isCustomerRole(role)) return [...all];
  return all.filter(
    (to) => CUSTOMER_MOVES.some(([f, t]) => f === from && t === to) && (to !== 'cancelled' || mayWithdraw(role, context)),
  );
}

export type TransitionCheck =
  | { ok: true }
  | { ok: false; reason: 'illegal' | 'not_allowed_for_role' | 'not_reporter'; allowed: TicketStatus[] };

export function checkTransition(from: TicketStatus, to: TicketStatus, role: Role, context?: TransitionContext): TransitionCheck {
  const allowed = nextStatuses(from, role, context);
  if (!TRANSITIONS[from].includes(to)) return { ok: false, reason: 'illegal', allowed };
  if (!allowed.includes(to)) {
    const customerMove = isCustomerRole(role) && CUSTOMER_MOVES.some(([f, t]) => f === from && t === to);
    return { ok: false, reason: customerMove ? 'not_reporter' : 'not_allowed_for_role', allowed };
  }
  return { ok: true };
}

/** Reopening: a resolved ticket goes back to work (and back to the engineer who had it). */
export const isReopen = (from: TicketStatus, to: TicketStatus) => from === 'resolved' && to === 'in_progress';
