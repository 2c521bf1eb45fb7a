/**
 * Application errors. Services throw `AppError(key, message, details)`: the key comes from the
 * registry in common/api/errors.ts (which also says its code), the English message is for API
 * users and logs, the details carry the key's params and field errors. The HTTP layer maps each
 * code to a status in one exhaustive switch, so a new code nobody maps fails to compile.
 */
import {
  ERROR_CODES,
  ERROR_KEYS,
  type ErrorCode,
  type ErrorKey,
  type ErrorParams,
  type FieldIssue,
  type FieldKey,
} from '../../common/api/errors';

export { ERROR_CODES, ERROR_KEYS, type ErrorCode, type ErrorKey, type FieldIssue, type FieldKey };

/** Params of the key (scalars) and anything else worth returning; `fields` for field errors. */
export type ErrorDetails = { fields?: FieldIssue[] } & Record<string, unknown>;

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(
    readonly key: ErrorKey,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'AppError';
    this.code = ERROR_KEYS[key];
  }

  /** The scalar details: what a translation interpolates. */
  get params(): ErrorParams | undefined {
    if (!this.details) return undefined;
    const params: ErrorParams = {};
    for (const [name, value] of Object.entries(this.details)) {
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) params[name] = value as ErrorParams[string];
      else if (Array.isArray(value) && name !== 'fields' && value.every((v) => typeof v === 'string')) params[name] = value.join(', ');
    }
    return Object.keys(params).length ? params : undefined;
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}

export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'validation':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
    case 'invalid_transition':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'rate_limited':
      return 429;
    case 'internal':
      return 500;
    default:
      return assertUnreachable(code);
  }
}

/** A 404 for `what` (English, e.g. "Ticket") under its key (`ticket.not_found`). */
export const notFound = (key: ErrorKey, what: string) => new AppError(key, `${what} not found`);

/** A 400 naming one field: `key` says what is wrong with it, `params` fill the translation. */
export const fieldError = (path: string, key: FieldKey, message: string, params?: ErrorParams) =>
  new AppError('validation.field', `${path}: ${message}`, { path, fields: [{ path, message, key, ...(params ? { params } : {}) }] });
