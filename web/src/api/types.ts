/** Response and request shapes, taken from the shared zod schemas (types only: no zod in the bundle). */
import type { z } from 'zod';
import type {
  DeliveryOverview as DeliveryOverviewSchema,
  SlaPolicyDefinition,
  SlaPolicyTemplate as SlaPolicyTemplateSchema,
  Ticket,
} from '../../../common/api';

export type {
  AuditEntry,
  SetupChecklist,
  SetupStep,
  Attachment,
  Calendar,
  CalendarCreate,
  CalendarDetail,
  CalendarException,
  CalendarExceptionInput,
  CalendarUpdate,
  Center,
  CenterCreate,
  Contact,
  ContactCreate,
  Customer,
  CustomerCreate,
  CustomerDetail,
  Delivery,
  EscalationContact,
  EscalationContactInput,
  EscalationFiring,
  EscalationRecipient,
  EscalationRuleDto,
  EscalationRuleInput,
  EscalationRulePatch,
  IcalImportResult,
  Me,
  MilestoneStamp,
  Notification,
  NotificationPage,
  PhoneMatch,
  Site,
  SiteCreate,
  SlaMilestone,
  SlaPolicy,
  SlaPolicyCreate,
  SlaPolicyDefinition,
  SlaPolicyUpdate,
  Ticket,
  TicketCreate,
  TicketEvent,
  TicketPage,
  TicketPatch,
  TicketSummary,
  User,
  UserCreate,
  UserUpdate,
} from '../../../common/api';

/** The queue's countdown: the unmet milestone due next. */
export type SlaBadge = NonNullable<Ticket['slaBadge']>;
export type SlaState = SlaBadge['state'];
export type SlaPolicyTemplate = z.infer<typeof SlaPolicyTemplateSchema>;
export type DeliveryOverview = z.infer<typeof DeliveryOverviewSchema>;
/** One milestone target of a policy severity (key, minutes, calendar, anchor, out-of-hours, pauses). */
export type MilestoneTarget = SlaPolicyDefinition['severities']['P1'][number];
