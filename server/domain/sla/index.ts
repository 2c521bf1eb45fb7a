/**
 * SLA policies and milestone clocks: the public face of the pure SLA domain. Other modules
 * import from here only.
 */
export {
  AMBER_RATIO,
  BUILT_IN_MILESTONES,
  BUILT_IN_MILESTONE_NAMES,
  DEFAULT_PAUSE_ON,
  DEFAULT_WARN_AT_RATIO,
  MILESTONE_KEY_PATTERN,
  isBuiltInMilestone,
  type BuiltInMilestoneKey,
  type CalendarLookup,
  type LocalizedText,
  type MilestoneAnchor,
  type MilestoneKey,
  type MilestoneState,
  type MilestoneStateKind,
  type SlaPolicyTemplate,
  type TicketClockFacts,
} from './types';
export {
  MAX_TARGET_MINUTES,
  MilestoneTarget,
  SlaPolicyDefinition,
  slaPolicyDefinitionFor,
  unknownCalendarIssues,
  type SlaPolicyDefinitionInput,
} from '../../../common/api/sla-definition';
export { computeMilestones } from './clock';
export {
  nextSlaEvents,
  queueSummary,
  slaBreachKey,
  slaWarningKey,
  type QueueSummary,
  type SlaEvents,
  type SlaFiring,
  type SlaFiringKind,
} from './events';
export { DEFAULT_SLA_TEMPLATE_KEY, slaPolicyTemplate, slaPolicyTemplates } from './templates';
