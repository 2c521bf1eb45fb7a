import { z } from 'zod';
import { MAIL_LANGUAGES } from './mail-out';
import { Id, Instant, optionalText, patchOf, trimmed } from './shared';

export const CustomerCreate = z.object({
  name: trimmed(200),
  code: optionalText(50),
  industry: optionalText(100),
  region: optionalText(100),
  notes: optionalText(5000),
  centerId: Id.nullish(),
  /** The customer's service level (SLA policy); null: the default policy. */
  slaPolicyId: Id.nullish(),
});
export type CustomerCreate = z.input<typeof CustomerCreate>;

export const CustomerUpdate = patchOf(CustomerCreate);
export type CustomerUpdate = z.infer<typeof CustomerUpdate>;

export const Customer = z.object({
  id: Id,
  name: z.string(),
  code: z.string().nullable(),
  industry: z.string().nullable(),
  region: z.string().nullable(),
  notes: z.string().nullable(),
  centerId: Id.nullable(),
  slaPolicyId: Id.nullable(),
  createdAt: Instant,
  openTickets: z.number().int(),
});
export type Customer = z.infer<typeof Customer>;

export const Phone = z
  .string()
  .trim()
  .min(3, 'phone number is too short')
  .max(50)
  .regex(/^[+\d\s()\-－—.转xX#*ext０-９（）]+$/u, 'phone number may contain digits, spaces, + - ( ) and an extension only');

export const ContactCreate = z.object({
  name: trimmed(100),
  title: optionalText(100),
  email: z.email('must be an email address').max(200).nullish(),
  phones: z.array(Phone).max(10).default([]),
  isLeader: z.boolean().default(false),
  /** The language of the customer mail sent to this contact; null: the sending mailbox's (else zh-CN). */
  language: z.enum(MAIL_LANGUAGES).nullish(),
});
export type ContactCreate = z.input<typeof ContactCreate>;

export const ContactUpdate = patchOf(ContactCreate).extend({
  /**
   * `false` clears the bounce mark (`emailFailingAt`) by hand: a manager's or an administrator's call.
   * A new `email` clears it anyway — a new address is not known to fail.
   */
  emailFailing: z.literal(false).optional(),
});
export type ContactUpdate = z.infer<typeof ContactUpdate>;

export const Contact = z.object({
  id: Id,
  customerId: Id,
  name: z.string(),
  title: z.string().nullable(),
  email: z.string().nullable(),
  phones: z.array(z.string()),
  isLeader: z.boolean(),
  language: z.enum(MAIL_LANGUAGES).nullable(),
  /** When mail to `email` bounced (inbound bounce report); null: not known to fail. */
  emailFailingAt: Instant.nullable(),
  /** The bounce's reason as the mail server gave it (e.g. "550 5.1.1 user unknown"). */
  emailFailingReason: z.string().nullable(),
});
export type Contact = z.infer<typeof Contact>;

export const SiteCreate = z.object({
  name: trimmed(200),
  address: optionalText(500),
  region: optionalText(100),
});
export type SiteCreate = z.input<typeof SiteCreate>;

export const Site = z.object({
  id: Id,
  customerId: Id,
  name: z.string(),
  address: z.string().nullable(),
  region: z.string().nullable(),
});
export type Site = z.infer<typeof Site>;

export const CustomerDetail = Customer.extend({
  contacts: z.array(Contact),
  sites: z.array(Site),
});
export type CustomerDetail = z.infer<typeof CustomerDetail>;

/**
 * What a customer's own users see of their organisation: its name and how to reach it, never the
 * service desk's notes, routing center or service-level policy (staff fields of `Customer`).
 */
export const CustomerForCustomer = z.object({
  id: Id,
  name: z.string(),
  code: z.string().nullable(),
  industry: z.string().nullable(),
  region: z.string().nullable(),
  createdAt: Instant,
  openTickets: z.number().int(),
});
export type CustomerForCustomer = z.infer<typeof CustomerForCustomer>;

export const CustomerDetailForCustomer = CustomerForCustomer.extend({
  contacts: z.array(Contact),
  sites: z.array(Site),
});
export type CustomerDetailForCustomer = z.infer<typeof CustomerDetailForCustomer>;

export const CustomerListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;

export const PhoneLookupQuery = z.object({
  phone: z.string().trim().min(1, 'phone is required').max(50),
});

/** Caller identification: every contact whose phone matches, with its customer. */
export const PhoneMatch = z.object({
  contact: Contact,
  customer: z.object({ id: Id, name: z.string() }),
  /** `exact`: the whole number matches; `partial`: the digits typed so far occur in it. */
  match: z.enum(['exact', 'partial']),
});
export type PhoneMatch = z.infer<typeof PhoneMatch>;
