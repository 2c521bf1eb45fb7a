/**
 * Shared by the SLA tests: the shipped calendars as a lookup, ISO → epoch ms, and a facts
 * builder that fills what a test does not care about.
 */
import { builtInCalendars, compileCalendar, type CompiledCalendar } from '../calendar';
import type { CalendarLookup, MilestoneState, TicketClockFacts } from './types';
import { slaPolicyTemplate } from './templates';

const compiled = new Map<string, CompiledCalendar>(
  builtInCalendars().map((c) => [c.key, compileCalendar(c.definition)]),
);

export const calendars: CalendarLookup = (key) => {
  const cal = compiled.get(key);
  if (!cal) throw new Error(`unknown calendar ${key}`);
  return cal;
};

/** `ms('2026-03-02T10:00+08:00')` → epoch ms; throws on a typo so a test cannot silently use NaN. */
export function ms(iso: string): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test instant ${iso}`);
  return t;
}

export const MIN = 60_000;

export function facts(partial: Partial<TicketClockFacts> & { reportedAt: number }): TicketClockFacts {
  return {
    severity: 'P1',
    statusHistory: [{ at: partial.reportedAt, status: 'new' }],
    stamps: {},
    stoppedAt: null,
    ...partial,
  };
}

export function template(key: string) {
  const found = slaPolicyTemplate(key);
  if (!found) throw new Error(`no template ${key}`);
  return found.definition;
}

/** The state of one milestone; throws when the policy has no such milestone. */
export function pick(states: readonly MilestoneState[], key: string): MilestoneState {
  const found = states.find((s) => s.milestone === key);
  if (!found) throw new Error(`no milestone ${key} among ${states.map((s) => s.milestone).join(', ')}`);
  return found;
}
