/**
 * Every error the server can answer with, as a stable key the web translates (zh-CN, en) from
 * the key and its params. The server's English `message` stays in the body for API users and
 * logs; people read the translation. `AppError` only accepts keys listed here, and a test checks
 * that both translation tables have every key, so a new error without a translation cannot land.
 *
 * Body: `{ error: { code, key, message, params?, details? } }`; field errors in
 * `details.fields[] = { path, message, key, params? }`.
 */
import { z } from 'zod';

/** The HTTP-level classes of error (each maps to one status, server/platform/errors.ts). */
export const ERROR_CODES = [
  'validation',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'invalid_transition',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Error key → its code. Params each key may carry are noted where there are any. */
export const ERROR_KEYS = {
  // Sessions, logins, passwords.
  'auth.login_required': 'unauthenticated',
  'auth.wrong_credentials': 'unauthenticated',
  /** {minutes} */
  'auth.too_many_failures': 'rate_limited',
  /** {role, permission} */
  'auth.role_forbidden': 'forbidden',
  'auth.cross_site': 'forbidden',
  'auth.current_password_wrong': 'validation',
  'auth.password_unchanged': 'validation',
  // First start and administrator-set passwords.
  'auth.password_change_required': 'forbidden',
  // API tokens.
  'token.invalid': 'unauthenticated',
  /** {scope} */
  'token.scope_missing': 'forbidden',
  'token.route_not_allowed': 'forbidden',
  /** {limit, retryAfterSeconds} */
  'token.rate_limited': 'rate_limited',
  'token.not_found': 'not_found',
  /** {scope} */
  'token.scope_not_allowed': 'validation',
  /** {maxDays} */
  'token.expiry_invalid': 'validation',
  'token.user_not_found': 'validation',
  'token.integration_admin_only': 'forbidden',
  // Requests the framework or the database refused.
  'request.validation': 'validation',
  'request.invalid_json': 'validation',
  'request.invalid': 'validation',
  'request.payload_too_large': 'payload_too_large',
  'request.unsupported_media_type': 'unsupported_media_type',
  /** {retryAfterSeconds} */
  'request.rate_limited': 'rate_limited',
  /** {method, path} */
  'request.no_route': 'not_found',
  'request.conflict': 'conflict',
  'request.missing_reference': 'validation',
  'request.invalid_value': 'validation',
  'internal.error': 'internal',
  /** A field error (details.fields); {path} */
  'validation.field': 'validation',
  // Users, centers, customers.
  'user.not_found': 'not_found',
  /** {username} */
  'user.username_taken': 'conflict',
  'user.last_admin': 'conflict',
  'center.not_found': 'not_found',
  'customer.not_found': 'not_found',
  /** {name} */
  'customer.name_taken': 'conflict',
  'contact.not_found': 'not_found',
  // Customer codes (unique whatever their case).
  /** {code, name} — the code and the customer that already has it */
  'customer.code_taken': 'conflict',
  // Installed base: products and devices (issue 11).
  'product.not_found': 'not_found',
  /** {model, maker} */
  'product.model_taken': 'conflict',
  'device.not_found': 'not_found',
  /** {serial} */
  'device.serial_taken': 'conflict',
  'device.cursor_invalid': 'validation',
  // Installed base: contracts (issue 11).
  'replacement.not_found': 'not_found',
  /** {status} */
  'replacement.decided': 'conflict',
  // Field service: service records (issue 12).
  'service_record.not_found': 'not_found',
  'service_record.visit_not_found': 'not_found',
  /** {status} — the visit's status: a record is written on site or after the visit */
  'service_record.visit_not_open': 'conflict',
  'service_record.not_visit_engineer': 'forbidden',
  /** {status} — signed or refused */
  'service_record.frozen': 'conflict',
  'service_record.not_frozen': 'conflict',
  /** {version} — the newer version */
  'service_record.superseded': 'conflict',
  /** {version} — the open draft */
  'service_record.draft_exists': 'conflict',
  /** {ids} — not attachments of this ticket */
  'service_record.photo_invalid': 'validation',
  'service_record.signature_invalid': 'validation',
  /** {maxKb} */
  'service_record.signature_too_large': 'validation',
  // Field service: engineers on a ticket and the on-call rota (issue 12).
  /** {userId} */
  'ticket_engineer.not_engineer': 'validation',
  /** {name} */
  'ticket_engineer.is_lead': 'conflict',
  'on_call.not_found': 'not_found',
  /** {name} — the user is not of that center or its subtree */
  'on_call.user_not_in_center': 'validation',
  /** {name, startsAt, endsAt} — the shift it overlaps */
  'on_call.overlap': 'conflict',
  /** {maxDays} */
  'on_call.range_too_long': 'validation',
  'contract.not_found': 'not_found',
  /** {number} */
  'contract.number_taken': 'conflict',
  // Tickets and attachments.
  // Domain-event consumers (admin).
  /** {name} */
  'event_consumer.not_found': 'not_found',
  /** {name, eventId} */
  'event_consumer.not_failing_on': 'conflict',
  'ticket.not_found': 'not_found',
  /** {from, to} */
  'ticket.invalid_transition': 'invalid_transition',
  /** {from, to} */
  'ticket.transition_forbidden': 'invalid_transition',
  'ticket.assignee_required': 'invalid_transition',
  'ticket.sla_policy_forbidden': 'forbidden',
  'ticket.cursor_invalid': 'validation',
  /** {severity} */
  'ticket.severity_not_pending': 'conflict',
  // Ticket links, merging, parent/child (modules/ticket-links).
  'link.not_found': 'not_found',
  'link.self': 'validation',
  /** {kind, number} — the same link exists (a related link either way) */
  'link.exists': 'conflict',
  /** {number} — the other way round already: B cannot be a duplicate of / caused by A when A is of B */
  'link.reversed': 'conflict',
  /** {number} — the duplicate_of link a merge recorded stays with the merged ticket */
  'link.merge_record': 'conflict',
  'merge.self': 'validation',
  /** {status} */
  'merge.source_closed': 'conflict',
  /** {number} — already merged into that ticket */
  'merge.source_merged': 'conflict',
  /** {number, status} */
  'merge.target_closed': 'conflict',
  /** {number} */
  'merge.target_merged': 'conflict',
  'merge.other_customer': 'conflict',
  /** {count} */
  'merge.has_children': 'conflict',
  'parent.self': 'validation',
  /** {number} — the chosen parent is itself a child (one level only) */
  'parent.is_child': 'conflict',
  /** {count} — this ticket has children of its own, so it cannot become a child */
  'parent.has_children': 'conflict',
  'parent.other_customer': 'conflict',
  /** {number, status} */
  'parent.closed': 'conflict',
  // Canned replies (macros).
  'macro.not_found': 'not_found',
  /** {name} — the owner (you, or the shared list) already has a macro of that name (case-insensitive) */
  'macro.name_taken': 'conflict',
  /** Shared macros are created, edited and deleted by managers and administrators. */
  'macro.shared_forbidden': 'forbidden',
  'attachment.not_found': 'not_found',
  'attachment.file_missing': 'not_found',
  /** {maxMb} */
  'attachment.too_large': 'payload_too_large',
  'attachment.customer_public_only': 'forbidden',
  'attachment.multipart_required': 'unsupported_media_type',
  'attachment.file_required': 'validation',
  'attachment.empty': 'unsupported_media_type',
  /** {type} */
  'attachment.type_refused': 'unsupported_media_type',
  'attachment.unrecognised': 'unsupported_media_type',
  /** {ext} */
  'attachment.not_text': 'unsupported_media_type',
  'attachment.markup_refused': 'unsupported_media_type',
  // SLA milestones.
  /** {milestone} */
  'milestone.automatic': 'validation',
  /** {status} */
  'milestone.ticket_closed': 'conflict',
  /** {milestone, severity, policy, known} */
  'milestone.not_in_policy': 'validation',
  /** {milestone} */
  'milestone.already_recorded': 'conflict',
  // Field service: visits (issue 12).
  'visit.not_found': 'not_found',
  /** {status} — the ticket's */
  'visit.ticket_not_open': 'conflict',
  /** {names} — not active staff who may work visits */
  'visit.engineer_invalid': 'validation',
  'visit.site_invalid': 'validation',
  /** {serials} — devices of another customer */
  'visit.device_invalid': 'validation',
  'visit.window_invalid': 'validation',
  /** {status} — only a planned visit is re-planned; details.allowed: the steps it may take */
  'visit.not_planned': 'conflict',
  /** {from, to} — details.allowed: the steps it may take */
  'visit.illegal_step': 'invalid_transition',
  'visit.at_future': 'validation',
  /** {previous} — the time of the step before */
  'visit.at_before_previous': 'validation',
  'visit.result_required': 'validation',
  'visit.reason_required': 'validation',
  'visit.not_visit_engineer': 'forbidden',
  // Calendars, SLA policies, escalation.
  'calendar.not_found': 'not_found',
  'calendar.exception_not_found': 'not_found',
  /** {key} */
  'calendar.key_taken': 'conflict',
  /** {name} */
  'calendar.built_in': 'conflict',
  /** {key, policies, rules} */
  'calendar.in_use': 'conflict',
  'calendar.always_open': 'conflict',
  'calendar.invalid_definition': 'validation',
  'calendar.ical_body_required': 'validation',
  /** {reason} */
  'calendar.ical_invalid': 'validation',
  'calendar.out_of_range': 'validation',
  /** {key} */
  'calendar.missing': 'internal',
  'sla_policy.not_found': 'not_found',
  /** {key} */
  'sla_policy.key_taken': 'conflict',
  'sla_policy.default_required': 'conflict',
  'sla_policy.default_undeletable': 'conflict',
  /** {name, customers, tickets} */
  'sla_policy.in_use': 'conflict',
  'sla_policy.invalid': 'validation',
  'escalation_rule.not_found': 'not_found',
  'escalation_rule.invalid': 'validation',
  'escalation_rule.unknown_recipient': 'validation',
  'escalation_contact.not_found': 'not_found',
  // Notifications and deliveries.
  'notification.not_found': 'not_found',
  'delivery.not_failed': 'conflict',
  /** A message to someone with no address (an escalation contact without mail): add the address first. */
  'delivery.no_address': 'conflict',
  // Saved queue views (modules/views).
  'view.not_found': 'not_found',
  /** {name} — the owner already has a view of that name (case-insensitive) */
  'view.name_taken': 'conflict',
  /** {role} — sharing a view, or changing a shared one, is for managers and administrators */
  'view.share_forbidden': 'forbidden',
  /** A manager changes only the shared views they made; administrators any. */
  'view.not_owner': 'forbidden',
  // Scheduled jobs (admin).
  /** {name} */
  'job.not_found': 'not_found',
  // The administrator's first-start checklist.
  /** The checklist is put away only once every step is complete (done, marked or skipped). */
  'setup.incomplete': 'conflict',
  // Backups (server/ops).
  'backup.use_pg_dump': 'conflict',
  // Device imports (modules/device-import).
  'device_import.not_found': 'not_found',
  'device_import.file_required': 'validation',
  /** {formats} — not an .xlsx workbook nor a .csv file */
  'device_import.file_type': 'validation',
  'device_import.unreadable': 'validation',
  'device_import.no_header': 'validation',
  /** {rows, max} */
  'device_import.too_many_rows': 'validation',
  /** {column, columnEn} — a required column is not in the header row */
  'device_import.column_missing': 'validation',
  /** {max} — more unknown columns than a device has attributes */
  'device_import.too_many_columns': 'validation',
  /** {status} — only a checked file waiting for import can be imported */
  'device_import.not_previewed': 'conflict',
  // Scoping: writes that would reach outside what the actor may see (refused before writing).
  'scope.ticket_center_forbidden': 'forbidden',
  /** {center} — the on-call rota of a center outside the planner's subtree (on_call) */
  'scope.on_call_center_forbidden': 'forbidden',
  /** A ticket moved to a customer served by a center outside the writer's subtree. */
  'scope.ticket_customer_forbidden': 'forbidden',
  'scope.customer_center_forbidden': 'forbidden',
  'scope.customer_sla_policy_forbidden': 'forbidden',
  /** Clearing a contact's bounce mark by hand (emailFailing: false): managers and administrators only. */
  'scope.contact_email_failing_forbidden': 'forbidden',
  'scope.cancel_not_reporter': 'forbidden',
  // Input checked before any handler (platform/http.ts).
  /** {path} — a text value holds a NUL byte (U+0000), which PostgreSQL text cannot store */
  'input.nul_byte': 'validation',
  /** A multipart body that breaks off or does not match its boundary */
  'input.multipart_malformed': 'validation',
  // Idempotency-Key on POSTs (platform/idempotency.ts).
  'idempotency.key_invalid': 'validation',
  /** The first request with this key is still running. */
  'idempotency.in_progress': 'conflict',
  /** The key was already used for another request (another route, URL or body). */
  'idempotency.key_reused': 'validation',
  // Secrets at rest (platform/secrets.ts).
  /** {minLength} — FUWUTAI_SECRET is unset or too short: passwords cannot be stored */
  'secrets.key_missing': 'conflict',
  /** A stored password does not open: another FUWUTAI_SECRET, or a damaged value */
  'secrets.undecryptable': 'conflict',
  // Connecting to a mailbox (modules/mail/imap.ts): what a person must fix in the settings.
  'mail.auth_failed': 'validation',
  'mail.tls_failed': 'validation',
  'mail.host_unreachable': 'validation',
  'mail.timeout': 'validation',
  /** {folder} */
  'mail.folder_missing': 'validation',
  /** {detail} — anything else the connection failed with */
  'mail.connection_failed': 'validation',
  // Mailboxes and the quarantine (modules/mail/mailboxes.ts, quarantine.ts).
  'mail.mailbox_not_found': 'not_found',
  'mail.quarantine_not_found': 'not_found',
  /** {state} — retried, converted or dismissed already */
  'mail.quarantine_resolved': 'conflict',
  'mail.raw_missing': 'conflict',
  // Mail out (modules/mail/outgoing.ts, templates.ts).
  /** The mailbox has no sending identity to test: save one first. */
  'mail.sender_not_set': 'not_found',
  /** {placeholder, field} — a template names a placeholder that does not exist */
  'mail.template_placeholder_unknown': 'validation',
  /** {field} — a "{{" or "}}" that opens or closes no placeholder */
  'mail.template_syntax': 'validation',
  // Polling (modules/mail/poller.ts, jobs/mail-poll.ts).
  /** "收取" on a disabled mailbox */
  'mail.mailbox_disabled': 'conflict',
  /** Another server process is polling this mailbox right now */
  'mail.poll_busy': 'conflict',
  /** Stored on a mailbox (last_error_key): one message failed unexpectedly; retried, quarantined after 3 failures */
  'mail.message_failed': 'conflict',
} as const satisfies Record<string, ErrorCode>;
export type ErrorKey = keyof typeof ERROR_KEYS;

/**
 * Keys of field messages (`details.fields[].key`). Schema validation maps zod issue codes to the
 * generic ones (too_small, too_big, invalid_type …); services use the specific ones.
 */
export const FIELD_KEYS = [
  'field.required',
  /** {minimum, origin} */
  'field.too_small',
  /** {maximum, origin} */
  'field.too_big',
  /** {expected} */
  'field.invalid_type',
  /** {format} */
  'field.invalid_format',
  'field.invalid_value',
  'field.unrecognized_keys',
  'field.not_multiple',
  'field.invalid',
  'field.taken',
  'field.no_such_customer',
  'field.device_not_customers',
  'field.device_replaced',
  'field.no_such_center',
  'field.no_such_sla_policy',
  'field.no_such_user',
  'field.not_customer_contact',
  'field.not_customer_site',
  /** {role} */
  'field.role_needs_customer',
  /** {role} */
  'field.staff_no_customer',
  /** {role} */
  'field.not_assignable',
  'field.center_cycle',
  'field.customer_no_backdate',
  'field.customer_no_assign',
  /** {impact, severity} */
  'field.impact_severity_mismatch',
  'field.in_future',
  'field.severity_reason_required',
  'field.wrong_password',
  'field.same_password',
  // Password policy (server/modules/auth/password-policy.ts).
  'field.password_common',
  'field.password_personal',
  'field.holiday_no_intervals',
  'field.calendar_invalid',
  'field.unknown_recipient',
  'field.cursor_invalid',
  'field.no_such_product',
  'field.not_device_customer_site',
  // Contracts (modules/contracts).
  'field.end_before_start',
  'field.no_such_calendar',
  'field.not_customer_device',
  'field.coverage_not_allowed',
  'field.coverage_required',
  'field.not_staff_user',
  'field.outside_period',
  'field.only_when_terminated',
  'field.file_required',
  'field.automatic_milestone',
  'field.milestone_not_in_policy',
  /** {scope} */
  'field.scope_not_allowed',
  /** {role} */
  'field.customer_role_recipient',
  'field.nul_byte',
  /** {placeholder, known} */
  'field.unknown_placeholder',
] as const;
export type FieldKey = (typeof FIELD_KEYS)[number];

export type ErrorParams = Record<string, string | number | boolean | null>;

export interface FieldIssue {
  path: string;
  message: string;
  key: FieldKey;
  params?: ErrorParams;
}

/** zod issue code → field key (zod 4 codes). */
export function fieldKeyForIssue(issue: { code?: string; message?: string; minimum?: unknown; origin?: unknown }): FieldKey {
  switch (issue.code) {
    case 'too_small':
      return (issue.origin === 'string' || issue.origin === 'array') && Number(issue.minimum) === 1 ? 'field.required' : 'field.too_small';
    case 'too_big':
      return 'field.too_big';
    case 'invalid_type':
      return /received undefined/.test(issue.message ?? '') ? 'field.required' : 'field.invalid_type';
    case 'invalid_format':
      return 'field.invalid_format';
    case 'invalid_value':
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return 'field.invalid_value';
    case 'unrecognized_keys':
      return 'field.unrecognized_keys';
    case 'not_multiple_of':
      return 'field.not_multiple';
    default:
      return 'field.invalid';
  }
}

/** The params of a zod issue worth showing (limits, the expected type or format, allowed values). */
export function fieldParamsForIssue(issue: Record<string, unknown>): ErrorParams | undefined {
  const params: ErrorParams = {};
  for (const name of ['minimum', 'maximum', 'origin', 'expected', 'format', 'divisor'] as const) {
    const value = issue[name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params[name] = value;
    else if (typeof value === 'bigint') params[name] = Number(value);
  }
  if (Array.isArray(issue.values)) params.values = issue.values.map(String).join(', ');
  if (Array.isArray(issue.keys)) params.keys = issue.keys.map(String).join(', ');
  return Object.keys(params).length ? params : undefined;
}

export const FieldIssueBody = z.object({
  path: z.string(),
  message: z.string(),
  key: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});
