/**
 * SLA policies and the escalation matrix as the API shows them. Request bodies carry the full
 * definition and rule schemas (sla-definition.ts, escalation-rule.ts), so the OpenAPI document
 * describes them; the services also check that the calendars they name exist, and validate an
 * edited rule as a whole (clock and calendar together) after merging it with what is stored.
 */
import { z } from 'zod';
import { SEVERITIES } from '../domain';
import { ESCALATION_RULE_FIELDS, EscalationRecipient } from './escalation-rule';
import { Id, Instant, optionalText, patchOf, trimmed } from './shared';
import { SlaPolicyDefinition } from './sla-definition';

export * from './sla-definition';
export * from './escalation-rule';

export const PolicyKey = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,49}$/, 'key: 2–50 lowercase letters, digits and dashes');

export const SlaPolicyCreate = z.object({
  key: PolicyKey,
  name: trimmed(100),
  nameEn: optionalText(100),
  description: optionalText(2000),
  definition: SlaPolicyDefinition,
  isDefault: z.boolean().default(false),
});
export type SlaPolicyCreate = z.input<typeof SlaPolicyCreate>;

export const SlaPolicyUpdate = patchOf(SlaPolicyCreate.omit({ key: true }));
export type SlaPolicyUpdate = z.infer<typeof SlaPolicyUpdate>;

export const SlaPolicy = z.object({
  id: Id,
  key: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  description: z.string().nullable(),
  isDefault: z.boolean(),
  definition: SlaPolicyDefinition,
  /** Customers whose service level this is. */
  customerCount: z.number().int(),
  updatedAt: Instant,
});
export type SlaPolicy = z.infer<typeof SlaPolicy>;

export const SlaPolicyTemplate = z.object({
  key: z.string(),
  name: z.object({ zh: z.string(), en: z.string() }),
  description: z.object({ zh: z.string(), en: z.string() }),
  definition: SlaPolicyDefinition,
});

/** A rule as sent; null clears the calendar. Clock and calendar are checked together by the service. */
export const EscalationRuleInput = z.object({
  ...ESCALATION_RULE_FIELDS,
  clock: ESCALATION_RULE_FIELDS.clock.default('calendar'),
  calendar: z.string().trim().min(1, { error: 'choose a calendar' }).max(50).nullish(),
});
/** A change to some fields of a rule; nothing defaults, so what is not sent stays as it was. */
export const EscalationRulePatch = patchOf(EscalationRuleInput);
export type EscalationRulePatch = z.infer<typeof EscalationRulePatch>;
export type EscalationRuleInput = z.input<typeof EscalationRuleInput>;

export const EscalationRuleDto = z.object({
  id: Id,
  severity: z.enum(SEVERITIES),
  afterMinutes: z.number().int(),
  clock: z.enum(['calendar', 'working']),
  calendar: z.string().nullable(),
  level: z.number().int(),
  recipients: z.array(EscalationRecipient),
  /** Readable recipients, e.g. 技术支持经理 (role), 王工 (user), 原厂商技术中心 (vendor). */
  recipientNames: z.array(z.string()),
  active: z.boolean(),
  updatedAt: Instant,
});
export type EscalationRuleDto = z.infer<typeof EscalationRuleDto>;

export const EscalationContactInput = z.object({
  name: trimmed(100),
  organisation: optionalText(200),
  email: z.email('must be an email address').max(200).nullish(),
  phone: optionalText(50),
  isVendorCenter: z.boolean().default(false),
});
export type EscalationContactInput = z.input<typeof EscalationContactInput>;

export const EscalationContactPatch = patchOf(EscalationContactInput);
export type EscalationContactPatch = z.infer<typeof EscalationContactPatch>;

export const EscalationContact = z.object({
  id: Id,
  name: z.string(),
  organisation: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  isVendorCenter: z.boolean(),
});
export type EscalationContact = z.infer<typeof EscalationContact>;
