/**
 * The role × capability matrix. The server checks these on every route; the web uses the same
 * table to hide what a user cannot do. Scoping (a customer sees only their own organisation,
 * staff only their center's subtree) is applied on top of this by the services.
 */
import type { Role } from './domain';

export const PERMISSIONS = {
  'tickets.read': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa', 'customer_user', 'customer_leader'],
  'tickets.create': ['admin', 'manager', 'dispatcher', 'engineer', 'customer_user', 'customer_leader'],
  /** Edit fields, assign, change severity. */
  'tickets.update': ['admin', 'manager', 'dispatcher', 'engineer'],
  /**
   * Move through the status machine. Customers only confirm or reopen a resolution, and withdraw a
   * new ticket: a customer user one they reported themselves, a customer leader any of their organisation's.
   */
  'tickets.transition': ['admin', 'manager', 'dispatcher', 'engineer', 'customer_user', 'customer_leader'],
  'tickets.comment': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa', 'customer_user', 'customer_leader'],
  /** Internal notes are never shown to customers. */
  'tickets.comment_internal': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa'],
  /** Internal bookkeeping of a ticket (fired escalations with their recipients). */
  'tickets.internal': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa'],
  'tickets.attach': ['admin', 'manager', 'dispatcher', 'engineer', 'qa', 'customer_user', 'customer_leader'],
  'customers.read': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa', 'customer_user', 'customer_leader'],
  'customers.write': ['admin', 'manager', 'dispatcher'],
  /** Customer leaders maintain their own organisation's contact list. */
  'contacts.write': ['admin', 'manager', 'dispatcher', 'customer_leader'],
  /** Caller identification on the hotline. */
  'contacts.lookup': ['admin', 'manager', 'dispatcher', 'engineer'],
  'users.read': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa'],
  'users.write': ['admin'],
  'centers.read': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa'],
  'centers.write': ['admin'],
  'audit.read': ['admin', 'manager', 'qa'],
  /** Calendars, SLA policies, escalation matrix: everyone on staff may look, admins change. */
  'time_rules.read': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa'],
  'time_rules.write': ['admin'],
  /** Stamp a milestone: plan submitted, arrived on site, service restored. */
  'tickets.milestones': ['admin', 'manager', 'dispatcher', 'engineer'],
  /** Saved queue views: everyone on staff keeps personal ones and uses the shared ones. */
  'views.use': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa'],
  /** Share a queue view with all staff, change or delete a shared one (supervisors and administrators). */
  'views.share': ['admin', 'manager'],
  /** Failed deliveries, retries. */
  'deliveries.manage': ['admin'],
  /** Scheduled jobs: see them, run now, enable/disable. */
  'jobs.manage': ['admin'],
  /** The first-start checklist (GET /api/admin/setup): see it, mark steps done or skipped. */
  'setup.manage': ['admin'],
  /** Canned replies (macros): use them and keep personal ones. */
  'macros.use': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa'],
  /** Create, edit and delete the shared canned replies of the whole desk (supervisors and administrators). */
  'macros.share': ['admin', 'manager'],
  /** Mailboxes of the email channel: IMAP settings, connection test (issue 10). */
  'mail.manage': ['admin'],
  /** Messages held in the mail quarantine: list, retry, turn into a ticket, dismiss. */
  'mail.quarantine': ['admin'],
  /** The installed base (issue 11): the product catalog, devices and contracts. Customers read their own devices and contracts. */
  'installed_base.read': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa', 'customer_user', 'customer_leader'],
  /** Devices: add, edit, import; name them on tickets. */
  'devices.write': ['admin', 'manager', 'dispatcher', 'engineer'],
  /** The product catalog. */
  'products.write': ['admin', 'manager'],
  /** Contracts: create, edit, terminate, attach the signed PDF. */
  'contracts.write': ['admin', 'manager'],
  /** Approve or reject a replacement proposal of the second-failure rule; the rule's and renewal reminders' settings. */
  'replacements.decide': ['admin', 'manager'],
  /** Field service (issue 12): see visits and the dispatch board. Customers see their own visits' service records. */
  'visits.read': ['admin', 'manager', 'executive', 'dispatcher', 'engineer', 'qa', 'customer_user', 'customer_leader'],
  /** Plan, re-plan and cancel visits; drag work to engineers on the dispatch board. */
  'visits.plan': ['admin', 'manager', 'dispatcher'],
  /** Work a visit one is on: start trip, check in, record the work, have it signed, finish. */
  'visits.work': ['admin', 'manager', 'dispatcher', 'engineer'],
  /** Add helpers and invite experts to a ticket (专家会诊). */
  'ticket_engineers.manage': ['admin', 'manager', 'dispatcher', 'engineer'],
  /** Keep a center's on-call rota. */
  'on_call.manage': ['admin', 'manager', 'dispatcher'],
  /** Field-service settings: the level each severity needs, a visit's default length. */
  'field_service.settings': ['admin', 'manager'],
  /** Download a backup of the embedded database and attachments (POST /api/admin/backup). */
  'system.backup': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
}
