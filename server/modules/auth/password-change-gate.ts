/**
 * A password an administrator chose (a new account, a reset) or the generated first admin password
 * is known to someone else: until its owner replaces it, a session may only read who it is, log
 * out and change the password. Everything else answers 403 `auth.password_change_required`.
 * API tokens are not held back: only the user can have created them, after choosing a password.
 */
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../platform/actor';
import { AppError } from '../../platform/errors';

/** The actor of a session, with whether its password must be replaced first. */
export type SessionActor = Actor & { mustChangePassword?: boolean };

/** Routes a session with a password to replace may still call (Fastify route URLs). */
export const ALLOWED_WHILE_PASSWORD_CHANGE = new Set(['/api/me', '/api/auth/logout', '/api/auth/password', '/api/auth/login']);

/** Installs the gate; must come after the authorization hook, which sets `request.actor`. */
export function installPasswordChangeGate(app: FastifyInstance) {
  app.addHook('onRequest', async (request) => {
    const actor = request.actor as SessionActor | null;
    if (!actor?.mustChangePassword || actor.tokenId) return;
    const config = request.routeOptions.config;
    if (!config?.auth || config.auth === 'public') return;
    if (ALLOWED_WHILE_PASSWORD_CHANGE.has(request.routeOptions.url ?? '')) return;
    throw new AppError('auth.password_change_required', 'Change your password first: it was set by an administrator or generated');
  });
}
