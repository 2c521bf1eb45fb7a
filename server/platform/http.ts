/**
 * HTTP plumbing shared by every module: route authorisation declared on each route (who may call
 * it, and whether an API token may) and enforced in one hook, the one error shape with its
 * translation key, and mapping of framework and database errors to 4xx.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { fieldKeyForIssue, fieldParamsForIssue, type ErrorParams, type FieldIssue } from '../../common/api/errors';
import { tokenSatisfies, type TokenRule } from '../../common/api/tokens';
import { can, type Permission } from '../../common/permissions';
import type { Actor } from './actor';
import { AppError, httpStatusFor, type ErrorCode, type ErrorKey } from './errors';
import { currentRequestContext, runInRequestContext } from './request-context';

/** Who may call a route: anyone, any logged-in user, or holders of a permission. */
export type RouteAuth = 'public' | 'user' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** Whether an API token may call the route: the scope it needs, `any`, or false. */
    token?: TokenRule;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** The actor of an authorised route (the hook has already refused anonymous callers). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('auth.login_required', 'Please log in');
  return { ...request.actor, ip: request.ip };
}

/**
 * Whether the actor could call a route declared `{ auth: permission, token: rule }` itself: for a
 * response that bundles what several routes answer, each part for exactly those who may ask for it.
 */
export function mayCall(actor: Actor, permission: Permission, rule: TokenRule): boolean {
  if (!can(actor.role, permission)) return false;
  return actor.tokenId === undefined || tokenSatisfies(actor.tokenScopes ?? [], rule);
}

/** The actor behind an API token, with the token's id and scopes. */
export interface TokenActor {
  actor: Actor;
  tokenId: string;
  scopes: string[];
}

export interface AuthHookOptions {
  cookieName: string;
  authenticate(token: string): Promise<Actor | null>;
  /** Resolves `Authorization: Bearer …`; throws `token.invalid` / `token.rate_limited`. */
  authenticateToken?(secret: string, ip: string): Promise<TokenActor>;
}

/** The secret of an `Authorization: Bearer …` header, if there is one. */
export function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** True when the Origin header names this very host; `null`, garbage or another host is foreign. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function installAuthorization(app: FastifyInstance, options: AuthHookOptions) {
  app.decorateRequest('actor', null);

  // A route under /api that forgets to say who may call it, or whether a token may, is a bug we
  // catch at start-up.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs')) return;
    if (!route.config?.auth) throw new Error(`route ${route.method} ${route.url} declares no config.auth`);
    if (route.config.token === undefined) {
      throw new Error(`route ${route.method} ${route.url} declares no config.token (a scope, 'any' or false)`);
    }
  });

  // Opened first and around everything after it, so the audit log knows the request's token.
  app.addHook('onRequest', (_request, _reply, done) => {
    runInRequestContext({ tokenId: null }, done);
  });

  app.addHook('onRequest', async (request) => {
    const { auth, token: tokenRule } = request.routeOptions.config ?? {};
    if (!auth) return; // static files, docs
    const bearer = bearerOf(request);
    if (bearer) {
      // A token carries no ambient authority (nothing a browser sends by itself), so no Origin check.
      if (tokenRule === false || tokenRule === undefined || !options.authenticateToken) {
        throw new AppError('token.route_not_allowed', 'API tokens cannot be used for this request; log in instead');
      }
      const resolved = await options.authenticateToken(bearer, request.ip);
      request.actor = { ...resolved.actor, tokenId: resolved.tokenId, tokenScopes: resolved.scopes };
      const context = currentRequestContext();
      if (context) context.tokenId = resolved.tokenId;
      if (!tokenSatisfies(resolved.scopes, tokenRule)) {
        throw new AppError('token.scope_missing', `This token lacks the scope "${tokenRule}"`, { scope: String(tokenRule) });
      }
    } else {
      const cookie = request.cookies[options.cookieName];
      if (cookie) request.actor = await options.authenticate(cookie);
    }
    if (auth === 'public') return;
    if (!request.actor) throw new AppError('auth.login_required', 'Please log in');
    if (auth !== 'user' && !can(request.actor.role, auth)) {
      throw new AppError('auth.role_forbidden', `Your role (${request.actor.role}) may not do this`, {
        role: request.actor.role,
        permission: auth,
      });
    }
    // Cookies are SameSite=Lax; refusing foreign Origins on writes closes the remaining CSRF gaps.
    if (!bearer && request.method !== 'GET' && request.method !== 'HEAD') {
      const origin = request.headers.origin;
      if (origin !== undefined && !sameOrigin(origin, request.headers.host)) {
        throw new AppError('auth.cross_site', 'Cross-site request refused');
      }
    }
  });
}

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** What @fastify/busboy throws for a broken multipart body. */
const MULTIPART_PARSE_ERRORS = /^(Multipart: Boundary not found|Unexpected end of multipart data|Malformed part header|Part terminated early)$/;

const FASTIFY_CODES: Record<string, ErrorKey> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.payload_too_large',
  FST_REQ_FILE_TOO_LARGE: 'request.payload_too_large',
  FST_PARTS_LIMIT: 'request.payload_too_large',
  FST_FILES_LIMIT: 'request.payload_too_large',
  FST_FIELDS_LIMIT: 'request.payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.invalid_json',
};

export interface ErrorResponse {
  status: number;
  code: ErrorCode;
  key: ErrorKey;
  message: string;
  params?: ErrorParams;
  details?: unknown;
}

const respond = (key: ErrorKey, message: string, details?: Record<string, unknown>): ErrorResponse => {
  const error = new AppError(key, message, details);
  return fromAppError(error);
};

function fromAppError(error: AppError): ErrorResponse {
  return {
    status: httpStatusFor(error.code),
    code: error.code,
    key: error.key,
    message: error.message,
    ...(error.params ? { params: error.params } : {}),
    ...(error.details ? { details: error.details } : {}),
  };
}

export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof AppError) return fromAppError(error);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: FieldIssue[] = error.validation.map((issue) => {
      const zodIssue = { code: issue.keyword, message: issue.message, ...(issue.params as Record<string, unknown>) };
      const params = fieldParamsForIssue(zodIssue);
      return {
        path: [error.validationContext, ...(issue.instancePath ? issue.instancePath.split('/').filter(Boolean) : [])]
          .filter(Boolean)
          .join('.'),
        message: issue.message ?? 'invalid',
        key: fieldKeyForIssue(zodIssue),
        ...(params ? { params } : {}),
      };
    });
    const summary = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
    return respond('request.validation', `Invalid request — ${summary}`, { fields });
  }
  const fastifyError = error as FastifyError & PgError;
  const pgError = databaseErrorOf(error);
  // The multipart parser (busboy) throws plain errors, no code, for bodies that break off or lack
  // their boundary: the client's mistake.
  if (error instanceof Error && !fastifyError.code && MULTIPART_PARSE_ERRORS.test(error.message)) {
    return respond('input.multipart_malformed', `Malformed multipart body: ${error.message}`);
  }
  if (fastifyError.code && FASTIFY_CODES[fastifyError.code]) {
    return respond(FASTIFY_CODES[fastifyError.code]!, fastifyError.message);
  }
  // Database constraints reached by a client's input are the client's mistake, not ours.
  switch (pgError?.code) {
    case '23505':
      return respond('request.conflict', 'Already exists', { constraint: pgError.constraint });
    case '23503':
      return respond('request.missing_reference', 'A referenced record does not exist', { constraint: pgError.constraint });
    case '22P02':
    case '22021': // character_not_in_repertoire: a NUL byte the input check did not see (a safety net)
    case '23514':
    case '22007':
    case '22008':
      return respond('request.invalid_value', 'Invalid value', { constraint: pgError.constraint });
  }
  if (
    !isResponseSerializationError(error) &&
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    const key: ErrorKey =
      fastifyError.statusCode === 413
        ? 'request.payload_too_large'
        : fastifyError.statusCode === 415
          ? 'request.unsupported_media_type'
          : fastifyError.statusCode === 429
            ? 'request.rate_limited'
            : 'request.invalid';
    const response = respond(key, fastifyError.message);
    return { ...response, status: fastifyError.statusCode };
  }
  return respond('internal.error', 'Internal error; it has been logged');
}

/** The PostgreSQL error behind an error, if any (Drizzle wraps driver errors in `cause`). */
function databaseErrorOf(error: unknown): PgError | undefined {
  for (let e = error as (PgError & { cause?: unknown }) | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
  }
  return undefined;
}

/**
 * The first text value holding a NUL byte, as a path (`body.title`, `querystring.q`), or null.
 * PostgreSQL text cannot store U+0000 (error 22021), so such input is refused before any handler.
 * Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findNulByte(root: unknown, rootPath: string): string | null {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length) {
    const [value, at] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return at;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${at}.${i}`]);
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value).reverse()) {
        if (key.includes('\u0000')) return `${at}.${key.replaceAll('\u0000', '\\0')}`;
        stack.push([inner, `${at}.${key}`]);
      }
    }
  }
  return null;
}

/** Refuses NUL bytes in the path parameters, query string and JSON body of every route with 400. */
function installInputChecks(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    const at =
      findNulByte(request.params, 'params') ?? findNulByte(request.query, 'querystring') ?? findNulByte(request.body, 'body');
    if (!at) return;
    throw new AppError('input.nul_byte', `${at}: contains a NUL byte (U+0000), which cannot be stored`, {
      path: at,
      fields: [{ path: at, message: 'contains a NUL byte', key: 'field.nul_byte' }],
    });
  });
}

export function installErrorHandling(app: FastifyInstance) {
  installInputChecks(app);
  app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
    const response = toErrorResponse(error);
    if (response.status >= 500) request.log.error({ err: error }, 'request failed');
    if (response.code === 'rate_limited') {
      const retry = (response.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (retry) void reply.header('retry-after', String(retry));
    }
    return reply.status(response.status).send({
      error: {
        code: response.code,
        key: response.key,
        message: response.message,
        ...(response.params ? { params: response.params } : {}),
        ...(response.details ? { details: response.details } : {}),
      },
    });
  });
}
