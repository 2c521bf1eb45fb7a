/**
 * The in-memory twin of `visibleTo(actor)` (repository.ts): may this viewer see something about a
 * ticket whose scoping is `audience`? Live push (server-sent events) decides per connected user
 * without asking the database, so both rules must agree; audience.test.ts runs them side by side
 * on the same fixtures.
 */
import { isCustomer, seesAllCenters, type Actor } from '../../platform/actor';

/** What a ticket's scoping consists of, captured when a message about it is published. */
export interface TicketAudience {
  customerId: string;
  centerId: string | null;
  /** Materialised path of the ticket's center (`/root/…/self/`), null without a center. */
  centerPath: string | null;
  assigneeId: string | null;
  /** Helpers and invited experts of the ticket (ticket_engineers): they see it wherever they sit. Absent: none. */
  engineerIds?: string[];
  /** Service staff only (an internal note, someone typing one): never a customer. */
  staffOnly?: boolean;
}

/** Any audience a push message may name: a ticket's scoping, or all service staff. */
export type Audience = TicketAudience | { staff: true };

export type Viewer = Pick<Actor, 'id' | 'role' | 'customerId' | 'centerPath'>;

const isTicketAudience = (a: Record<string, unknown>): boolean =>
  typeof a.customerId === 'string' &&
  (a.centerId === null || typeof a.centerId === 'string') &&
  (a.centerPath === null || typeof a.centerPath === 'string') &&
  (a.assigneeId === null || typeof a.assigneeId === 'string') &&
  (a.engineerIds === undefined || (Array.isArray(a.engineerIds) && a.engineerIds.every((id) => typeof id === 'string')));

/**
 * True when `viewer` may see a message for `audience`. An audience of a shape this code does not
 * know is seen by nobody: a malformed message must not leak to another tenant.
 */
export function audienceAllows(viewer: Viewer, audience: Record<string, unknown> | null | undefined): boolean {
  if (!audience) return false;
  const customer = isCustomer(viewer as Actor);
  if (audience.staff === true) return !customer;
  if (!isTicketAudience(audience)) return false;
  const a = audience as unknown as TicketAudience;
  if (customer) return !a.staffOnly && viewer.customerId !== null && a.customerId === viewer.customerId;
  if (seesAllCenters(viewer as Actor)) return true;
  if (a.centerId === null) return true;
  if (a.assigneeId !== null && a.assigneeId === viewer.id) return true;
  if (a.engineerIds?.includes(viewer.id)) return true;
  // `sc.path like '<viewer path>%'` in SQL: the ticket's center is in the viewer's subtree.
  return a.centerPath !== null && viewer.centerPath !== null && a.centerPath.startsWith(viewer.centerPath);
}
