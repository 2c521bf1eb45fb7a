/**
 * The escalation matrix (升级) model and its validation as an administrator edits it: elapsed-time
 * thresholds per severity, each naming who is told and which level the ticket reaches once the
 * step has fired. Shared by the server (the escalation domain, the database column) and the API.
 * `EscalationRuleDraft` is a rule before it has an id (create), `EscalationRule` one with an id
 * (update, import), and `escalationRuleFor(calendarKeys)` adds the check that a working-time
 * rule's calendar exists, since which calendars exist is data the caller loads. Messages name the fix.
 */
import { z } from 'zod';
import { ROLES, SEVERITIES, type Role, type Severity } from '../domain';

export type EscalationRecipient =
  | { kind: 'role'; role: Role }
  | { kind: 'user'; userId: string }
  | { kind: 'contact'; contactId: string }
  /** The configured vendor technical center contact (原厂商技术中心), resolved by the caller. */
  | { kind: 'vendor' }
  /**
   * Whoever is on call (值班工程师, issue 12) when the step fires, of the ticket's center — or of the
   * nearest center above it that has someone on call then; nobody for a ticket without a center.
   */
  | { kind: 'on_call' };

export interface EscalationRule {
  id: string;
  severity: Severity;
  /** Time since the report after which the step fires. */
  afterMinutes: number;
  /** `calendar`: elapsed wall-clock time; `working`: working minutes on `calendar`. */
  clock: 'calendar' | 'working';
  calendar?: string;
  /** The ticket's escalation level once this step has fired (1, 2, 3 …). */
  level: number;
  recipients: EscalationRecipient[];
  active: boolean;
}

/** One year: far beyond seed 000's 240 h, small enough to catch extra zeros. */
export const MAX_ESCALATION_MINUTES = 366 * 24 * 60;

export const EscalationRecipient = z
  .discriminatedUnion(
    'kind',
    [
      z.object({ kind: z.literal('role'), role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }) }),
      z.object({ kind: z.literal('user'), userId: z.uuid({ error: 'must be a valid user id' }) }),
      z.object({ kind: z.literal('contact'), contactId: z.uuid({ error: 'must be a valid contact id' }) }),
      z.object({ kind: z.literal('vendor') }),
      z.object({ kind: z.literal('on_call') }),
    ],
    { error: 'must be a role, a user, a customer contact, the vendor technical center, or the on-call engineer' },
  )
  .describe(
    "Who is told: everyone with a role (for the ticket's center), a user, an escalation contact, the vendor technical center, or whoever is on call for the ticket's center when the step fires",
  );

/** The fields of a rule, without the rule that ties `clock` and `calendar` together. */
export const ESCALATION_RULE_FIELDS = {
  severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }),
  afterMinutes: z
    .int({ error: 'must be a whole number of minutes' })
    .min(0, { error: 'must not be negative' })
    .max(MAX_ESCALATION_MINUTES, { error: `must be at most ${MAX_ESCALATION_MINUTES} minutes (one year)` })
    .describe('Time since the report after which the step fires'),
  clock: z
    .enum(['calendar', 'working'], { error: 'must be "calendar" (elapsed time) or "working" (working time)' })
    .describe('`calendar`: elapsed wall-clock time; `working`: working minutes on `calendar`'),
  calendar: z.string().trim().min(1, { error: 'choose a calendar' }).optional().describe('Calendar key; working-time rules only'),
  level: z
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(9, { error: 'must be at most 9' })
    .describe("The ticket's escalation level once this step has fired"),
  recipients: z
    .array(EscalationRecipient)
    .min(1, { error: 'add at least one recipient; a step that tells nobody escalates nothing' })
    .max(20, { error: 'at most 20 recipients per step' }),
  active: z.boolean().default(true),
};

function checkCalendar(rule: { clock: 'calendar' | 'working'; calendar?: string | undefined }, ctx: z.RefinementCtx) {
  if (rule.clock === 'working' && !rule.calendar) {
    ctx.addIssue({ code: 'custom', path: ['calendar'], message: 'a working-time rule needs the calendar it counts on' });
  }
  if (rule.clock === 'calendar' && rule.calendar) {
    ctx.addIssue({
      code: 'custom',
      path: ['calendar'],
      message: 'only working-time rules use a calendar; remove it or set the clock to "working"',
    });
  }
}

export const EscalationRuleDraft = z.object(ESCALATION_RULE_FIELDS).superRefine(checkCalendar);
export type EscalationRuleDraft = z.output<typeof EscalationRuleDraft>;

export const EscalationRule = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1–64 letters, digits, _ or -' }),
    ...ESCALATION_RULE_FIELDS,
  })
  .superRefine(checkCalendar);

/** A whole matrix: rule ids are the firing keys, so they must be unique. */
export const EscalationMatrix = z.array(EscalationRule).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    if (seen.has(rule.id)) {
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `rule id "${rule.id}" is used twice` });
    }
    seen.add(rule.id);
  });
});

/** `EscalationRule` plus the check that a working-time rule's calendar exists. */
export function escalationRuleFor(calendarKeys: Iterable<string>) {
  const keys = new Set(calendarKeys);
  return EscalationRule.superRefine((rule, ctx) => {
    if (rule.calendar && !keys.has(rule.calendar)) {
      ctx.addIssue({
        code: 'custom',
        path: ['calendar'],
        message: `unknown calendar "${rule.calendar}" (known: ${[...keys].join(', ') || 'none'})`,
      });
    }
  });
}

// The parsed shapes must be usable wherever the model types are expected.
type Assert<T extends true> = T;
type _RuleMatchesModel = Assert<z.output<typeof EscalationRule> extends EscalationRule ? true : false>;
type _RecipientMatchesModel = Assert<z.output<typeof EscalationRecipient> extends EscalationRecipient ? true : false>;
