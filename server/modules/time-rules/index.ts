/** Time rules (calendars, SLA policies, escalation matrix): what other modules may use. */
export { reevaluateOpenTickets } from './reevaluate';
export { createTimeRulesRegistry, type TimeRules, type TimeRulesRegistry, type PolicyInForce } from './registry';
export { ensureTimeRuleDefaults } from './seed';
