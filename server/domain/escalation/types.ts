/**
 * Escalation matrix model (升级): elapsed-time thresholds per severity, each naming who is told
 * and which escalation level the ticket reaches once the step has fired. Pure data; rules and their
 * validation live in common/api/escalation-rule.ts, the due-step computation in `steps.ts`.
 */
import type { Severity } from '../../../common/domain';
import type { EscalationRule } from '../../../common/api/escalation-rule';

// Rules and recipients are shared with the API: they live in common/api/escalation-rule.ts.
export type { EscalationRecipient, EscalationRule } from '../../../common/api/escalation-rule';

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
