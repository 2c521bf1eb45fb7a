/**
 * API tokens: create (the secret is returned once; the table keeps its SHA-256), list, revoke,
 * and authenticate a bearer secret. A token acts as its user — that user's role and scoping —
 * narrowed by its scopes. Each token has a rate limit per minute, counted in a fixed window on
 * its own row (one UPDATE per request, so it holds across processes).
 */
import crypto from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ApiToken, CreatedApiToken, TokenCreate } from '../../../common/api/tokens';
import { DEFAULT_TOKEN_RATE_LIMIT, MAX_TOKEN_DAYS, scopeAllowedFor, type TokenScope } from '../../../common/api/tokens';
import type { Db } from '../../db/client';
import { apiTokens, serviceCenters, users } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, fieldError, notFound } from '../../platform/errors';
import type { TokenActor } from '../../platform/http';
import type { Audit } from '../audit';
import { actorColumns } from '../auth/actor-columns';

export const TOKEN_PREFIX = 'fwt_';
const hashSecret = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');

/** `last_used_at` moves at most this often per token. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function createTokenService(deps: { db: Db; clock: Clock; audit: Audit }) {
  const { db, clock, audit } = deps;
  const creator = alias(users, 'creator');
  const revoker = alias(users, 'revoker');

  const select = () =>
    db
      .select({
        token: apiTokens,
        user: { id: users.id, name: users.name, username: users.username },
        creatorName: creator.name,
        revokerName: revoker.name,
      })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .leftJoin(creator, eq(creator.id, apiTokens.createdById))
      .leftJoin(revoker, eq(revoker.id, apiTokens.revokedById));

  type Row = Awaited<ReturnType<ReturnType<typeof select>['execute']>>[number];
  const toDto = ({ token, user, creatorName, revokerName }: Row): ApiToken => ({
    id: token.id,
    name: token.name,
    kind: token.kind,
    prefix: token.prefix,
    user,
    scopes: token.scopes,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: token.lastUsedIp,
    rateLimitPerMinute: token.rateLimitPerMinute,
    createdBy: token.createdById ? { id: token.createdById, name: creatorName ?? '' } : null,
    createdAt: token.createdAt.toISOString(),
    revokedAt: token.revokedAt?.toISOString() ?? null,
    revokedBy: token.revokedById ? { id: token.revokedById, name: revokerName ?? '' } : null,
  });

  return {
    /** Admins create any token for anyone; others personal tokens for themselves within their role. */
    async create(actor: Actor, input: TokenCreate): Promise<CreatedApiToken> {
      const isAdmin = actor.role === 'admin';
      if (!isAdmin && (input.kind === 'integration' || (input.userId && input.userId !== actor.id))) {
        throw new AppError('token.integration_admin_only', 'Only an administrator creates integration tokens or tokens for other users');
      }
      const now = clock.now();
      if (input.expiresAt) {
        const expiresAt = new Date(input.expiresAt);
        if (expiresAt <= now || expiresAt.getTime() - now.getTime() > MAX_TOKEN_DAYS * 86_400_000) {
          throw fieldError('expiresAt', 'field.invalid', `must be in the future and at most ${MAX_TOKEN_DAYS} days ahead`, { maxDays: MAX_TOKEN_DAYS });
        }
      }
      const userId = input.userId ?? actor.id;
      const [owner] = await db.select({ id: users.id, role: users.role, active: users.active }).from(users).where(eq(users.id, userId));
      if (!owner?.active) throw fieldError('userId', 'field.no_such_user', 'no such active user');
      const scopes = [...new Set(input.scopes)];
      const refused = scopes.find((scope) => !scopeAllowedFor(owner.role, scope as TokenScope));
      if (refused) {
        throw new AppError('token.scope_not_allowed', `The scope "${refused}" is beyond what a ${owner.role} may do`, {
          scope: refused,
          fields: [{ path: 'scopes', message: `not allowed for a ${owner.role}`, key: 'field.scope_not_allowed', params: { scope: refused } }],
        });
      }
      const secret = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(apiTokens)
          .values({
            name: input.name,
            kind: input.kind,
            prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
            tokenHash: hashSecret(secret),
            userId,
            scopes,
            expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
            rateLimitPerMinute: input.rateLimitPerMinute ?? DEFAULT_TOKEN_RATE_LIMIT,
            createdById: actor.id,
            createdAt: now,
          })
          .returning({ id: apiTokens.id });
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'api_token', row!.id, 'created', null, {
          name: input.name,
          kind: input.kind,
          userId,
          scopes,
          expiresAt: input.expiresAt ?? null,
        });
        return row!.id;
      });
      const [row] = await select().where(eq(apiTokens.id, id));
      return { ...toDto(row!), secret };
    },

    /** My tokens, or (admins, `all`) everyone's. */
    async list(actor: Actor, all: boolean): Promise<ApiToken[]> {
      const rows = await select()
        .where(all && actor.role === 'admin' ? undefined : eq(apiTokens.userId, actor.id))
        .orderBy(desc(apiTokens.createdAt));
      return rows.map(toDto);
    },

    async revoke(actor: Actor, id: string): Promise<ApiToken> {
      await db.transaction(async (tx) => {
        const [token] = await tx.select().from(apiTokens).where(eq(apiTokens.id, id)).for('update');
        // Somebody else's token is invisible to a non-admin: 404, not 403.
        if (!token || (actor.role !== 'admin' && token.userId !== actor.id)) throw notFound('token.not_found', 'API token');
        if (token.revokedAt) return;
        const now = clock.now();
        await tx.update(apiTokens).set({ revokedAt: now, revokedById: actor.id }).where(eq(apiTokens.id, id));
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'api_token', id, 'revoked', { revokedAt: null }, { revokedAt: now });
      });
      const [row] = await select().where(eq(apiTokens.id, id));
      return toDto(row!);
    },

    /** The actor behind a bearer secret; counts the request against the token's per-minute limit. */
    async authenticate(secret: string, ip: string): Promise<TokenActor> {
      const invalid = () => new AppError('token.invalid', 'Unknown, revoked or expired API token');
      if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) throw invalid();
      const now = clock.now();
      const [row] = await db
        .select({
          tokenId: apiTokens.id,
          scopes: apiTokens.scopes,
          expiresAt: apiTokens.expiresAt,
          revokedAt: apiTokens.revokedAt,
          limit: apiTokens.rateLimitPerMinute,
          ...actorColumns,
        })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .leftJoin(serviceCenters, eq(serviceCenters.id, users.centerId))
        .where(eq(apiTokens.tokenHash, hashSecret(secret)));
      if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || !row.active) throw invalid();

      const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
      const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
      const [counted] = await db
        .update(apiTokens)
        .set({
          rateWindowCount: sql`case when ${apiTokens.rateWindowStart} = ${windowStart} then ${apiTokens.rateWindowCount} + 1 else 1 end`,
          rateWindowStart: windowStart,
          lastUsedAt: sql`case when ${apiTokens.lastUsedAt} is null or ${apiTokens.lastUsedAt} < ${staleBefore} then ${now} else ${apiTokens.lastUsedAt} end`,
          lastUsedIp: sql`case when ${apiTokens.lastUsedAt} is null or ${apiTokens.lastUsedAt} < ${staleBefore} then ${ip} else ${apiTokens.lastUsedIp} end`,
        })
        .where(and(eq(apiTokens.id, row.tokenId), isNull(apiTokens.revokedAt)))
        .returning({ count: apiTokens.rateWindowCount });
      if (!counted) throw invalid();
      if (counted.count > row.limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000));
        throw new AppError('token.rate_limited', `This token may make ${row.limit} requests a minute; retry in ${retryAfterSeconds} s`, {
          limit: row.limit,
          retryAfterSeconds,
        });
      }
      const { tokenId, scopes, expiresAt: _e, revokedAt: _r, limit: _l, active: _a, ...actor } = row;
      return { actor, tokenId, scopes };
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
