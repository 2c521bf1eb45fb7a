/** /api/auth/* and /api/me: thin HTTP over the auth service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { ChangePasswordRequest, LoginRequest, Me } from '../../../common/api';
import { permissionsOf } from '../../../common/permissions';
import type { Db } from '../../db/client';
import { customers, serviceCenters, users } from '../../db/schema';
import { actorOf } from '../../platform/http';
import { SESSION_COOKIE, type AuthService } from './service';

export function authRoutes(app: FastifyInstance, deps: { auth: AuthService; db: Db; secureCookies: boolean }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.secureCookies,
  };

  r.post(
    '/api/auth/login',
    {
      config: { auth: 'public', token: false },
      schema: { tags: ['auth'], summary: 'Log in; sets the session cookie', body: LoginRequest },
    },
    async (request, reply) => {
      const session = await deps.auth.login({
        ...request.body,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
      });
      reply.setCookie(SESSION_COOKIE, session.token, { ...cookieOptions, expires: session.expiresAt });
      return { ok: true, expiresAt: session.expiresAt.toISOString() };
    },
  );

  r.post(
    '/api/auth/logout',
    { config: { auth: 'public', token: false }, schema: { tags: ['auth'], summary: 'Log out; ends the session' } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await deps.auth.logout(token);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/auth/password',
    {
      config: { auth: 'user', token: false },
      schema: { tags: ['auth'], summary: 'Change my password', body: ChangePasswordRequest },
    },
    async (request, reply) => {
      await deps.auth.changePassword(
        actorOf(request),
        request.body.currentPassword,
        request.body.newPassword,
        request.cookies[SESSION_COOKIE],
      );
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/me',
    { config: { auth: 'user', token: 'any' }, schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: Me } } },
    async (request) => {
      const actor = actorOf(request);
      const [row] = await deps.db
        .select({
          email: users.email,
          engineerLevel: users.engineerLevel,
          mustChangePassword: users.mustChangePassword,
          customerName: customers.name,
          centerName: serviceCenters.name,
        })
        .from(users)
        .leftJoin(customers, eq(customers.id, users.customerId))
        .leftJoin(serviceCenters, eq(serviceCenters.id, users.centerId))
        .where(eq(users.id, actor.id));
      return {
        id: actor.id,
        username: actor.username,
        name: actor.name,
        role: actor.role,
        email: row?.email ?? null,
        customerId: actor.customerId,
        customerName: row?.customerName ?? null,
        centerId: actor.centerId,
        centerName: row?.centerName ?? null,
        engineerLevel: row?.engineerLevel ?? null,
        permissions: permissionsOf(actor.role),
        // A token acts after its user chose a password, so it is never held back (password-change-gate.ts).
        mustChangePassword: !actor.tokenId && (row?.mustChangePassword ?? false),
      } satisfies z.input<typeof Me>;
    },
  );
}
