/**
 * SLA policies and the escalation matrix as the API shows them. The policy definition and an
 * escalation rule are validated on the server by the domain schemas (server/domain/sla,
 * server/domain/escalation), which also check that the calendars they name exist.
 */
import { z } from 'zod';
import type { SlaPolicyDefinition as SlaPolicyDefinitionModel } from '../../server/domain/sla/types';
import type { EscalationRecipient as EscalationRecipientModel } from '../../server/domain/escalation/types';
import { SEVERITIES } from '../domain';
import { Id, Instant, optionalText, trimmed } from './shared';

export type SlaPolicyDefinition = SlaPolicyDefinitionModel;
export type EscalationRecipient = EscalationRecipientModel;

export const PolicyKey = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,49}$/, 'key: 2–50 lowercase letters, digits and dashes');

export const SlaPolicyCreate = z.object({
  key: PolicyKey,
  name: trimmed(100),
  nameEn: optionalText(100),
  description: optionalText(2000),
  /** Milestones per severity; see SlaPolicyDefinition in the server's SLA domain. */
  definition: z.record(z.string(), z.unknown()),
  isDefault: z.boolean().default(false),
});
export type SlaPolicyCreate = z.input<typeof SlaPolicyCreate>;

export const SlaPolicyUpdate = SlaPolicyCreate.omit({ key: true }).partial();
export type SlaPolicyUpdate = z.infer<typeof SlaPolicyUpdate>;

export const SlaPolicy = z.object({
  id: Id,
  key: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  description: z.string().nullable(),
  isDefault: z.boolean(),
  definition: z.record(z.string(), z.unknown()),
  /** Customers whose service level this is. */
  customerCount: z.number().int(),
  updatedAt: Instant,
});
export type SlaPolicy = z.infer<typeof SlaPolicy>;

export const SlaPolicyTemplate = z.object({
  key: z.string(),
  name: z.object({ zh: z.string(), en: z.string() }),
  description: z.object({ zh: z.string(), en: z.string() }),
  definition: z.record(z.string(), z.unknown()),
});

const escalationRuleFields = {
  severity: z.enum(SEVERITIES),
  afterMinutes: z.number().int(),
  clock: z.enum(['calendar', 'working']),
  calendar: z.string().trim().max(50).nullish(),
  level: z.number().int(),
  recipients: z.array(z.record(z.string(), z.unknown())),
  active: z.boolean(),
};

export const EscalationRuleInput = z.object({
  ...escalationRuleFields,
  clock: escalationRuleFields.clock.default('calendar'),
  active: escalationRuleFields.active.default(true),
});
/** A change to some fields of a rule; nothing defaults, so what is not sent stays as it was. */
export const EscalationRulePatch = z.object(escalationRuleFields).partial();
export type EscalationRulePatch = z.infer<typeof EscalationRulePatch>;
export type EscalationRuleInput = z.input<typeof EscalationRuleInput>;

export const EscalationRuleDto = z.object({
  id: Id,
  severity: z.enum(SEVERITIES),
  afterMinutes: z.number().int(),
  clock: z.enum(['calendar', 'working']),
  calendar: z.string().nullable(),
  level: z.number().int(),
  recipients: z.array(z.record(z.string(), z.unknown())),
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

export const EscalationContact = z.object({
  id: Id,
  name: z.string(),
  organisation: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  isVendorCenter: z.boolean(),
});
export type EscalationContact = z.infer<typeof EscalationContact>;
