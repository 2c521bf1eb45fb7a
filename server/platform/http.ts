/**
 * HTTP plumbing shared by every module: route authorisation declared on each route and enforced
 * in one hook, the one error shape, and mapping of framework and database errors to 4xx.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { can, type Permission } from '../../common/permissions';
import type { Actor } from './actor';
import { AppError, httpStatusFor, type ErrorCode } from './errors';

/** Who may call a route: anyone, any logged-in user, or holders of a permission. */
export type RouteAuth = 'public' | 'user' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** The actor of an authorised route (the hook has already refused anonymous callers). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthenticated', 'Please log in');
  return { ...request.actor, ip: request.ip };
}

export interface AuthHookOptions {
  cookieName: string;
  authenticate(token: string): Promise<Actor | null>;
}

export function installAuthorization(app: FastifyInstance, options: AuthHookOptions) {
  app.decorateRequest('actor', null);

  // A route under /api that forgets to say who may call it is a bug we catch at start-up.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.url.startsWith('/api/docs') && !route.config?.auth) {
      throw new Error(`route ${route.method} ${route.url} declares no config.auth`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config?.auth;
    if (!auth) return; // static files, docs
    const token = request.cookies[options.cookieName];
    if (token) request.actor = await options.authenticate(token);
    if (auth === 'public') return;
    if (!request.actor) throw new AppError('unauthenticated', 'Please log in');
    if (auth !== 'user' && !can(request.actor.role, auth)) {
      throw new AppError('forbidden', `Your role (${request.actor.role}) may not do this`);
    }
    // Cookies are SameSite=Lax; refusing foreign Origins on writes closes the remaining CSRF gaps.
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const origin = request.headers.origin;
      if (origin && new URL(origin).host !== request.headers.host) {
        throw new AppError('forbidden', 'Cross-site request refused');
      }
    }
  });
}

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_FIELDS_LIMIT: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation',
  FST_ERR_CTP_INVALID_JSON_BODY: 'validation',
};

export function toErrorResponse(error: unknown): { status: number; code: ErrorCode; message: string; details?: unknown } {
  if (error instanceof AppError) {
    return { status: httpStatusFor(error.code), code: error.code, message: error.message, details: error.details };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = error.validation.map((issue) => ({
      path: [error.validationContext, ...(issue.instancePath ? issue.instancePath.split('/').filter(Boolean) : [])]
        .filter(Boolean)
        .join('.'),
      message: issue.message ?? 'invalid',
    }));
    const summary = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
    return { status: 400, code: 'validation', message: `Invalid request — ${summary}`, details: { fields } };
  }
  const fastifyError = error as FastifyError & PgError;
  const pgError = databaseErrorOf(error);
  if (fastifyError.code && FASTIFY_CODES[fastifyError.code]) {
    const code = FASTIFY_CODES[fastifyError.code]!;
    return { status: httpStatusFor(code), code, message: fastifyError.message };
  }
  // Database constraints reached by a client's input are the client's mistake, not ours.
  switch (pgError?.code) {
    case '23505':
      return { status: 409, code: 'conflict', message: 'Already exists', details: { constraint: pgError.constraint } };
    case '23503':
      return {
        status: 400,
        code: 'validation',
        message: 'A referenced record does not exist',
        details: { constraint: pgError.constraint },
      };
    case '22P02':
    case '23514':
    case '22007':
    case '22008':
      return { status: 400, code: 'validation', message: 'Invalid value', details: { constraint: pgError.constraint } };
  }
  if (
    !isResponseSerializationError(error) &&
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    const code: ErrorCode =
      fastifyError.statusCode === 413 ? 'payload_too_large' : fastifyError.statusCode === 415 ? 'unsupported_media_type' : 'validation';
    return { status: fastifyError.statusCode, code, message: fastifyError.message };
  }
  return { status: 500, code: 'internal', message: 'Internal error; it has been logged' };
}

/** The PostgreSQL error behind an error, if any (Drizzle wraps driver errors in `cause`). */
function databaseErrorOf(error: unknown): PgError | undefined {
  for (let e = error as (PgError & { cause?: unknown }) | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
  }
  return undefined;
}

export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
    const response = toErrorResponse(error);
    if (response.status >= 500) request.log.error({ err: error }, 'request failed');
    if (response.code === 'rate_limited') {
      const retry = (response.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (retry) void reply.header('retry-after', String(retry));
    }
    return reply.status(response.status).send({
      error: { code: response.code, message: response.message, ...(response.details ? { details: response.details } : {}) },
    });
  });
}
