/** Response and request shapes, taken from the shared zod schemas (types only: no zod in the bundle). */
export type {
  Attachment,
  Center,
  CenterCreate,
  Contact,
  ContactCreate,
  Customer,
  CustomerCreate,
  CustomerDetail,
  Me,
  PhoneMatch,
  Site,
  SiteCreate,
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

/** One row of GET /api/audit (the route has no response schema in common/). */
export interface AuditEntry {
  id: number;
  entity: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
  ip: string | null;
  at: string;
  actorId: string | null;
  actorName: string | null;
}
