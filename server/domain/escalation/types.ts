/**
 * Escalation matrix model (升级): elapsed-time thresholds per severity, each naming who is told
 * and which escalation level the ticket reaches once the step has fired. Pure data; validation
 * lives in `schema.ts`, the due-step computation in `steps.ts`.
 */
import type { Role, Severity } from '../../../common/domain';

export type EscalationRecipient =
  | { kind: 'role'; role: Role }
  | { kind: 'user'; userId: string }
  | { kind: 'contact'; contactId: string }
  /** The configured vendor technical center contact (原厂商技术中心), resolved by the caller. */
  | { kind: 'vendor' };

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

export interface EscalationTicket {
  severity: Severity;
  reportedAt: number;
  /** When the ticket stopped owing work; null while open. */
  stoppedAt: number | null;
}

export type EscalationKey = `esc:${string}`;

export interface EscalationStep {
  key: EscalationKey;
  rule: EscalationRule;
  at: number;
}

export interface EscalationSteps {
  /** Steps whose instant has come and that have not fired yet, oldest first. */
  due: EscalationStep[];
  /** The next instant after `now` at which a step becomes due; null when none is left. */
  nextAt: number | null;
  /** Highest level among fired and due steps; 0 when nothing has escalated. */
  level: number;
}
