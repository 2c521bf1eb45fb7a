/**
 * Field service (issue 12): visits, service records signed by the customer, engineers on a ticket
 * (helpers and invited experts), the on-call rota, dispatch suggestions and the dispatch board.
 */
import { z } from 'zod';
import { ENGINEER_LEVELS, SEVERITIES } from '../domain';
import { Id, Instant, optionalText, patchOf, trimmed } from './shared';

export const VISIT_STATUSES = ['planned', 'departed', 'on_site', 'finished', 'cancelled'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];
/** How a visit ended: service restored, another visit needed, parts needed. */
export const VISIT_RESULTS = ['restored', 'another_visit', 'needs_parts'] as const;
export type VisitResult = (typeof VISIT_RESULTS)[number];
export const TICKET_ENGINEER_ROLES = ['helper', 'expert'] as const;
export type TicketEngineerRole = (typeof TICKET_ENGINEER_ROLES)[number];
export const SERVICE_RECORD_STATUSES = ['draft', 'signed', 'refused'] as const;
export type ServiceRecordStatus = (typeof SERVICE_RECORD_STATUSES)[number];
/** How far an engineer's center is from the site's: same center, a sibling or ancestor center, farther, not known. */
export const DISTANCE_CLASSES = ['local', 'nearby', 'far', 'unknown'] as const;
export type DistanceClass = (typeof DISTANCE_CLASSES)[number];

const Ref = z.object({ id: Id, name: z.string() });

// ── Visits ─────────────────────────────────────────────────────────────────────────────────────

export const VisitCreate = z
  .object({
    plannedStart: Instant,
    plannedEnd: Instant,
    /** The engineers; the first leads the visit. */
    engineerIds: z.array(Id).min(1, 'at least one engineer').max(10),
    /** Defaults to the ticket's site. */
    siteId: Id.nullish(),
    /** Defaults to the ticket's devices. */
    deviceIds: z.array(Id).max(50).optional(),
    notes: optionalText(5000),
  })
  .refine((v) => new Date(v.plannedEnd) > new Date(v.plannedStart), { message: 'must end after it starts', path: ['plannedEnd'] });
export type VisitCreate = z.infer<typeof VisitCreate>;

/** Re-plan a visit that has not started: window, engineers, devices, notes. */
export const VisitUpdate = patchOf(
  z.object({
    plannedStart: Instant,
    plannedEnd: Instant,
    engineerIds: z.array(Id).min(1, 'at least one engineer').max(10),
    deviceIds: z.array(Id).max(50),
    notes: optionalText(5000),
  }),
);
export type VisitUpdate = z.infer<typeof VisitUpdate>;

/**
 * A step of the visit: departed (start trip), on_site (check in: stamps the ticket's arrive
 * milestone), finished (with its result; `restored` stamps restore), cancelled (with a reason).
 * Sending the step the visit is already in answers the visit as it is (a retry after a dropped
 * connection does nothing twice).
 */
export const VisitTransition = z.object({
  to: z.enum(['departed', 'on_site', 'finished', 'cancelled']),
  /** When it happened, if earlier than now (an action queued while offline); never in the future. */
  at: Instant.optional(),
  result: z.enum(VISIT_RESULTS).optional(),
  reason: optionalText(2000),
});
export type VisitTransition = z.infer<typeof VisitTransition>;

export const Visit = z.object({
  id: Id,
  ticket: z.object({ id: Id, number: z.string(), title: z.string(), severity: z.enum(SEVERITIES), status: z.string() }),
  site: z.object({ id: Id, name: z.string(), address: z.string().nullable(), region: z.string().nullable() }).nullable(),
  /** The customer and the ticket's contact (tap to call on a phone). */
  customer: Ref,
  contact: z.object({ id: Id, name: z.string(), phones: z.array(z.string()) }).nullable(),
  status: z.enum(VISIT_STATUSES),
  plannedStart: Instant,
  plannedEnd: Instant,
  departedAt: Instant.nullable(),
  arrivedAt: Instant.nullable(),
  finishedAt: Instant.nullable(),
  cancelledAt: Instant.nullable(),
  cancelReason: z.string().nullable(),
  result: z.enum(VISIT_RESULTS).nullable(),
  notes: z.string().nullable(),
  engineers: z.array(z.object({ id: Id, name: z.string(), lead: z.boolean() })),
  devices: z.array(z.object({ id: Id, serial: z.string(), productModel: z.string(), location: z.string().nullable() })),
  /** The visit's current service record (highest version), if one was started. */
  record: z.object({ id: Id, version: z.number().int(), status: z.enum(SERVICE_RECORD_STATUSES) }).nullable(),
  /** The steps this visit may take next. */
  next: z.array(z.enum(['departed', 'on_site', 'finished', 'cancelled'])),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Visit = z.infer<typeof Visit>;

/** GET /api/visits: the board's timeline (from/to), "my visits" (mine=1), one ticket's (ticketId). */
export const VisitListQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  mine: z.enum(['1', 'true']).optional(),
  engineerId: Id.optional(),
  ticketId: Id.optional(),
  status: z.enum(VISIT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type VisitListQuery = z.infer<typeof VisitListQuery>;

// ── Service records (服务记录单) ────────────────────────────────────────────────────────────────

export const ServiceRecordPart = z.object({
  partNumber: optionalText(100),
  name: trimmed(200),
  quantity: z.number().int().min(1).max(10_000),
  serials: z.array(trimmed(100)).max(100).default([]),
});
export type ServiceRecordPart = z.infer<typeof ServiceRecordPart>;
/** A part as records answer it (no input transforms: response schemas must encode). */
const ServiceRecordPartView = z.object({ partNumber: z.string().nullable(), name: z.string(), quantity: z.number().int(), serials: z.array(z.string()) });

/** Edit the draft record of a visit (created on first save). */
export const ServiceRecordUpdate = patchOf(
  z.object({
    findings: z.string().trim().max(20_000),
    workDone: z.string().trim().max(20_000),
    parts: z.array(ServiceRecordPart).max(100),
    timeSpentMinutes: z.number().int().min(0).max(100_000).nullable(),
    result: z.enum(VISIT_RESULTS).nullable(),
    /** Attachments of the ticket (photos), in order. */
    photoIds: z.array(Id).max(30),
  }),
);
export type ServiceRecordUpdate = z.infer<typeof ServiceRecordUpdate>;

/** The customer's representative signs: their name and the pad's drawing as a PNG data URL. */
export const ServiceRecordSign = z.object({
  signerName: trimmed(100),
  /** `data:image/png;base64,…`, at most 512 KB decoded. */
  signature: z.string().max(800_000).regex(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/, 'must be a PNG data URL'),
});
export type ServiceRecordSign = z.infer<typeof ServiceRecordSign>;

/** The customer's representative refuses to sign: the reason is recorded and the record frozen. */
export const ServiceRecordRefuse = z.object({
  signerName: optionalText(100),
  reason: trimmed(2000),
});
export type ServiceRecordRefuse = z.infer<typeof ServiceRecordRefuse>;

export const ServiceRecord = z.object({
  id: Id,
  visitId: Id,
  ticket: z.object({ id: Id, number: z.string(), title: z.string() }),
  version: z.number().int(),
  previousId: Id.nullable(),
  status: z.enum(SERVICE_RECORD_STATUSES),
  findings: z.string(),
  workDone: z.string(),
  parts: z.array(ServiceRecordPartView),
  timeSpentMinutes: z.number().int().nullable(),
  result: z.enum(VISIT_RESULTS).nullable(),
  photos: z.array(z.object({ id: Id, filename: z.string(), url: z.string() })),
  signerName: z.string().nullable(),
  signedAt: Instant.nullable(),
  signatureUrl: z.string().nullable(),
  refusalReason: z.string().nullable(),
  contentHash: z.string().nullable(),
  /** The printable record (A4 PDF). */
  pdfUrl: z.string(),
  createdBy: Ref.nullable(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type ServiceRecord = z.infer<typeof ServiceRecord>;

export const ServiceRecordVerification = z.object({
  id: Id,
  status: z.enum(SERVICE_RECORD_STATUSES),
  storedHash: z.string().nullable(),
  computedHash: z.string(),
  valid: z.boolean(),
});
export type ServiceRecordVerification = z.infer<typeof ServiceRecordVerification>;

// ── Engineers on a ticket, consultation ────────────────────────────────────────────────────────

export const TicketEngineerAdd = z.object({
  userId: Id,
  role: z.enum(TICKET_ENGINEER_ROLES),
  /** For an expert: what they are asked. */
  note: optionalText(5000),
});
export type TicketEngineerAdd = z.infer<typeof TicketEngineerAdd>;

export const TicketEngineer = z.object({
  user: z.object({ id: Id, name: z.string(), level: z.enum(ENGINEER_LEVELS).nullable(), center: Ref.nullable() }),
  /** lead = the ticket's assignee. */
  role: z.enum(['lead', ...TICKET_ENGINEER_ROLES]),
  note: z.string().nullable(),
  invitedBy: Ref.nullable(),
  createdAt: Instant.nullable(),
});
export type TicketEngineer = z.infer<typeof TicketEngineer>;

// ── On-call rota ──────────────────────────────────────────────────────────────────────────────

export const OnCallShiftCreate = z
  .object({
    centerId: Id,
    userId: Id,
    startsAt: Instant,
    endsAt: Instant,
    note: optionalText(500),
  })
  .refine((v) => new Date(v.endsAt) > new Date(v.startsAt), { message: 'must end after it starts', path: ['endsAt'] })
  .refine((v) => new Date(v.endsAt).getTime() - new Date(v.startsAt).getTime() <= 31 * 86_400_000, { message: 'a shift lasts at most 31 days', path: ['endsAt'] });
export type OnCallShiftCreate = z.infer<typeof OnCallShiftCreate>;

export const OnCallShift = z.object({
  id: Id,
  center: Ref,
  user: Ref,
  startsAt: Instant,
  endsAt: Instant,
  note: z.string().nullable(),
});
export type OnCallShift = z.infer<typeof OnCallShift>;

export const OnCallQuery = z.object({ centerId: Id.optional(), from: Instant.optional(), to: Instant.optional() });
export type OnCallQuery = z.infer<typeof OnCallQuery>;

// ── Suggestions and the dispatch board ─────────────────────────────────────────────────────────

/**
 * Why an engineer is suggested (or ranked lower), as data the page puts in words:
 * skills { matched: string[], missing: string[] }, level { level, needed, ok }, distance { class },
 * load { openTickets, plannedVisits }, on_call {}, off_duty {}.
 */
export const SuggestionReason = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('skills'), matched: z.array(z.string()), missing: z.array(z.string()) }),
  z.object({ kind: z.literal('level'), level: z.enum(ENGINEER_LEVELS).nullable(), needed: z.enum(ENGINEER_LEVELS).nullable(), ok: z.boolean() }),
  z.object({ kind: z.literal('distance'), class: z.enum(DISTANCE_CLASSES) }),
  z.object({ kind: z.literal('load'), openTickets: z.number().int(), plannedVisits: z.number().int() }),
  z.object({ kind: z.literal('on_call'), onCall: z.boolean() }),
]);
export type SuggestionReason = z.infer<typeof SuggestionReason>;

export const EngineerSuggestion = z.object({
  user: z.object({ id: Id, name: z.string(), level: z.enum(ENGINEER_LEVELS).nullable(), center: Ref.nullable() }),
  score: z.number(),
  /** False when a hard requirement fails (level below what the severity needs). */
  eligible: z.boolean(),
  reasons: z.array(SuggestionReason),
});
export type EngineerSuggestion = z.infer<typeof EngineerSuggestion>;

export const DispatchBoardQuery = z.object({
  /** A center: its subtree's work and engineers. Defaults to the viewer's center (all for organisation-wide roles). */
  centerId: Id.optional(),
  region: z.string().trim().max(100).optional(),
  /** The timeline's day (YYYY-MM-DD in the desk's time zone) and span. */
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  span: z.enum(['day', 'week']).default('day'),
});
export type DispatchBoardQuery = z.infer<typeof DispatchBoardQuery>;

export const BoardTicket = z.object({
  id: Id,
  number: z.string(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.string(),
  customer: Ref,
  site: z.object({ id: Id, name: z.string(), region: z.string().nullable() }).nullable(),
  devices: z.array(z.object({ id: Id, serial: z.string(), productModel: z.string() })),
  requiredSkills: z.array(z.string()),
  assignee: Ref.nullable(),
  /** The next unmet milestone and its due moment (the queue badge's facts). */
  slaMilestone: z.string().nullable(),
  slaDueAt: Instant.nullable(),
  slaState: z.string().nullable(),
  /** Why it is on the board: nobody assigned, or assigned but no visit planned yet (arrive milestone open). */
  reason: z.enum(['unassigned', 'to_visit']),
});
export type BoardTicket = z.infer<typeof BoardTicket>;

export const BoardEngineer = z.object({
  id: Id,
  name: z.string(),
  level: z.enum(ENGINEER_LEVELS).nullable(),
  skills: z.array(z.string()),
  center: z.object({ id: Id, name: z.string(), region: z.string().nullable() }).nullable(),
  onCallNow: z.boolean(),
  openTickets: z.number().int(),
  plannedVisits: z.number().int(),
});
export type BoardEngineer = z.infer<typeof BoardEngineer>;

export const DispatchBoard = z.object({
  tickets: z.array(BoardTicket),
  engineers: z.array(BoardEngineer),
  /** Visits in the timeline's span. */
  visits: z.array(Visit),
  from: Instant,
  to: Instant,
});
export type DispatchBoard = z.infer<typeof DispatchBoard>;

// ── Settings ──────────────────────────────────────────────────────────────────────────────────

/** The level an engineer needs for a severity (null: any), and how long a planned visit lasts by default. */
export const FieldServiceSettings = z.object({
  levelBySeverity: z.object({
    P1: z.enum(ENGINEER_LEVELS).nullable(),
    P2: z.enum(ENGINEER_LEVELS).nullable(),
    P3: z.enum(ENGINEER_LEVELS).nullable(),
    P4: z.enum(ENGINEER_LEVELS).nullable(),
  }),
  defaultVisitMinutes: z.number().int().min(15).max(24 * 60),
});
export type FieldServiceSettings = z.infer<typeof FieldServiceSettings>;

export const DEFAULT_FIELD_SERVICE_SETTINGS: FieldServiceSettings = {
  levelBySeverity: { P1: 'senior', P2: 'intermediate', P3: null, P4: null },
  defaultVisitMinutes: 120,
};
