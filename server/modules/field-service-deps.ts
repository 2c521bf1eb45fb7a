/** What the field-service modules (issue 12) are built from: visits, service records, dispatch, ticket engineers, on-call. */
import type { Db } from '../db/client';
import type { Clock } from '../platform/clock';
import type { Audit } from './audit';
import type { TicketCommands } from './tickets/command';
import type { TimeRulesRegistry } from './time-rules/registry';

export interface FieldServiceDeps {
  db: Db;
  clock: Clock;
  audit: Audit;
  /** The desk's time zone: "today", a board's day. */
  timeZone: string;
  /** Where attachments (photos, signatures, the service record PDF's inputs) are stored. */
  filesDir: string;
  maxUploadBytes: number;
  commands: TicketCommands;
  /** The SLA policies and calendars: a visit's check-in and restore stamp milestones the ticket's policy has. */
  registry: TimeRulesRegistry;
}
