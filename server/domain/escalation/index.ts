/**
 * The escalation matrix (升级): the public face of the pure escalation domain. Other modules
 * import from here only.
 */
export type {
  EscalationKey,
  EscalationStep,
  EscalationSteps,
  EscalationTicket,
} from './types';
export {
  EscalationMatrix,
  EscalationRecipient,
  EscalationRule,
  EscalationRuleDraft,
  MAX_ESCALATION_MINUTES,
  escalationRuleFor,
} from '../../../common/api/escalation-rule';
export { escalationKey, escalationStepAt, escalationSteps } from './steps';
export { defaultEscalationMatrix } from './matrix';
