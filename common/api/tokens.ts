/**
 * API tokens (`Authorization: Bearer fwt_…`): what a token may reach (scopes), and the shapes of
 * the token-management API. A token acts as its user with that user's role, narrowed by its
 * scopes; each route says which scope it needs, or that no token may call it.
 */
import { z } from 'zod';
import type { Role } from '../domain';
import { can, type Permission } from '../permissions';
import { Id, Instant, trimmed } from './shared';

/** Scope → the permissions it covers. A user may hold a scope when their role has one of them. */
export const TOKEN_SCOPES = {
  'tickets:read': ['tickets.read'],
  'tickets:write': ['tickets.create', 'tickets.update', 'tickets.transition', 'tickets.comment', 'tickets.attach', 'tickets.milestones'],
  'customers:read': ['customers.read'],
  'customers:write': ['customers.write', 'contacts.write'],
  'installed_base:read': ['installed_base.read'],
  'installed_base:write': ['devices.write', 'products.write', 'contracts.write', 'replacements.decide'],
  'field_service:read': ['visits.read'],
  'field_service:write': ['visits.plan', 'visits.work', 'ticket_engineers.manage', 'on_call.manage'],
  'directory:read': ['users.read', 'centers.read'],
  'time_rules:read': ['time_rules.read'],
  'audit:read': ['audit.read'],
  /** Call events from the telephony system (CTI): caller lookup and call records. */
  'telephony:events': ['contacts.lookup'],
  /** Administration through the API: users, centers, time rules, deliveries. Admins only. */
  admin: ['users.write'],
} as const satisfies Record<string, readonly Permission[]>;
export type TokenScope = keyof typeof TOKEN_SCOPES;
export const TOKEN_SCOPE_NAMES = Object.keys(TOKEN_SCOPES) as TokenScope[];

/** What a route says about tokens: the scope it needs, `any` (any valid token), or false (never). */
export type TokenRule = TokenScope | 'any' | false;

export function scopeAllowedFor(role: Role, scope: TokenScope): boolean {
  return (TOKEN_SCOPES[scope] as readonly Permission[]).some((p) => can(role, p));
}

export const scopesFor = (role: Role): TokenScope[] => TOKEN_SCOPE_NAMES.filter((s) => scopeAllowedFor(role, s));

/** Whether a token with `scopes` satisfies a route's rule (the role is checked separately). */
export function tokenSatisfies(scopes: readonly string[], rule: TokenRule): boolean {
  if (rule === false) return false;
  if (rule === 'any') return true;
  return scopes.includes(rule) || scopes.includes('admin');
}

export const TOKEN_KINDS = ['personal', 'integration'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];
/** The longest a token may live. */
export const MAX_TOKEN_DAYS = 730;
export const DEFAULT_TOKEN_RATE_LIMIT = 600;

export const TokenCreate = z.object({
  name: trimmed(100),
  kind: z.enum(TOKEN_KINDS).default('personal'),
  /** Admins only: the user the token acts as (default: the creator). */
  userId: Id.optional(),
  scopes: z.array(z.enum(TOKEN_SCOPE_NAMES as [TokenScope, ...TokenScope[]])).min(1).max(TOKEN_SCOPE_NAMES.length),
  /** Unset: the token does not expire. At most MAX_TOKEN_DAYS ahead. */
  expiresAt: Instant.nullish(),
  rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
});
export type TokenCreate = z.infer<typeof TokenCreate>;

export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  kind: z.enum(TOKEN_KINDS),
  prefix: z.string(),
  user: z.object({ id: Id, name: z.string(), username: z.string() }),
  scopes: z.array(z.string()),
  expiresAt: Instant.nullable(),
  lastUsedAt: Instant.nullable(),
  lastUsedIp: z.string().nullable(),
  rateLimitPerMinute: z.number().int(),
  createdBy: z.object({ id: Id, name: z.string() }).nullable(),
  createdAt: Instant,
  revokedAt: Instant.nullable(),
  revokedBy: z.object({ id: Id, name: z.string() }).nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

/** The create response: the secret is in it once and never again. */
export const CreatedApiToken = ApiToken.extend({ secret: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

export const TokenListQuery = z.object({
  /** Admins: every token (default: my own). */
  all: z.enum(['true', 'false']).optional(),
});
export type TokenListQuery = z.infer<typeof TokenListQuery>;
