/** Who is making a request: what every service call is scoped by. */
import type { Role } from '../../common/domain';
import { isCustomerRole } from '../../common/domain';
import { can, type Permission } from '../../common/permissions';
import { AppError } from './errors';

export interface Actor {
  id: string;
  username: string;
  name: string;
  role: Role;
  /** Set for customer users: the one organisation they may see. */
  customerId: string | null;
  centerId: string | null;
  /** Materialised path of the actor's center; staff see tickets in this subtree. */
  centerPath: string | null;
  ip?: string;
  /** Set when the request came with an API token (acting as this user). */
  tokenId?: string;
  /** That token's scopes: a response that bundles several routes' reads checks each route's scope. */
  tokenScopes?: readonly string[];
}

export const isCustomer = (actor: Actor) => isCustomerRole(actor.role);

/** Roles that oversee the whole service organisation, whatever center they sit in. */
const ORGANISATION_WIDE: readonly Role[] = ['admin', 'executive', 'qa'];
export const seesAllCenters = (actor: Actor) =>
  !isCustomer(actor) && (ORGANISATION_WIDE.includes(actor.role) || actor.centerPath === null);

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) {
    throw new AppError('auth.role_forbidden', `Your role (${actor.role}) may not do this (${permission})`, { role: actor.role, permission });
  }
}
