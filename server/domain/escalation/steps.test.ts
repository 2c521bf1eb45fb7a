import { describe, expect, it } from 'vitest';
import { builtInCalendars, compileCalendar, type CompiledCalendar } from '../calendar';
import { defaultEscalationMatrix } from './matrix';
import { escalationSteps } from './steps';
import type { EscalationRule } from './types';

const compiled = new Map<string, CompiledCalendar>(builtInCalendars().map((c) => [c.key, compileCalendar(c.definition)]));
const calendars = (key: string) => compiled.get(key)!;
const ms = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

const matrix = defaultEscalationMatrix();
const REPORTED = ms('2026-03-02T10:00+08:00');
const ticket = (severity: EscalationRule['severity'], stoppedAt: number | null = null) => ({ severity, reportedAt: REPORTED, stoppedAt });
const none = new Set<string>();
const keysOf = (steps: { due: Array<{ key: string }> }) => steps.due.map((s) => s.key);

describe('escalationSteps with the default matrix (seed 000, calendar time)', () => {
  it('P1 reported 5 h ago: the 1 h manager and 4 h vendor steps are due, the 24 h executive step is next', () => {
    const steps = escalationSteps(matrix, ticket('P1'), calendars, REPORTED + 5 * HOUR, none);
    expect(steps.due.map((s) => [s.key, s.at, s.rule.recipients])).toEqual([
      ['esc:p1-manager', REPORTED + 1 * HOUR, [{ kind: 'role', role: 'manager' }]],
      ['esc:p1-vendor', REPORTED + 4 * HOUR, [{ kind: 'vendor' }]],
    ]);
    expect(steps.nextAt).toBe(REPORTED + 24 * HOUR);
    expect(steps.level).toBe(2);
  });

  it('P2 reported 5 h ago: only the 4 h manager step', () => {
    const steps = escalationSteps(matrix, ticket('P2'), calendars, REPORTED + 5 * HOUR, none);
    expect(keysOf(steps)).toEqual(['esc:p2-manager']);
    expect(steps).toMatchObject({ nextAt: REPORTED + 24 * HOUR, level: 1 });
  });

  it('P4 reported 5 h ago: nothing yet, first step at 120 h', () => {
    expect(escalationSteps(matrix, ticket('P4'), calendars, REPORTED + 5 * HOUR, none)).toEqual({
      due: [],
      nextAt: REPORTED + 120 * HOUR,
      level: 0,
    });
  });

  it('does not return fired steps, but counts them in the level', () => {
    const steps = escalationSteps(matrix, ticket('P1'), calendars, REPORTED + 5 * HOUR, new Set(['esc:p1-manager']));
    expect(keysOf(steps)).toEqual(['esc:p1-vendor']);
    expect(steps.level).toBe(2);
    const all = escalationSteps(matrix, ticket('P1'), calendars, REPORTED + 5 * HOUR, new Set(['esc:p1-manager', 'esc:p1-vendor']));
    expect(all).toEqual({ due: [], nextAt: REPORTED + 24 * HOUR, level: 2 });
  });

  it('never fires a step due at or after the stop, but still fires one missed before it', () => {
    // Resolved at 4 h sharp: the 4 h step is not owed; the 1 h step was missed and still fires.
    const steps = escalationSteps(matrix, ticket('P1', REPORTED + 4 * HOUR), calendars, REPORTED + 30 * HOUR, none);
    expect(steps).toMatchObject({ nextAt: null, level: 1 });
    expect(keysOf(steps)).toEqual(['esc:p1-manager']);
    const later = escalationSteps(matrix, ticket('P1', REPORTED + 4 * HOUR + 1), calendars, REPORTED + 30 * HOUR, none);
    expect(keysOf(later)).toEqual(['esc:p1-manager', 'esc:p1-vendor']);
  });

  it('after a change to P1 five hours in, fires the P1 steps at once and keeps the level already reached', () => {
    const fired = new Set(['esc:p3-manager']);
    const steps = escalationSteps(matrix, ticket('P1'), calendars, REPORTED + 5 * HOUR, fired);
    expect(keysOf(steps)).toEqual(['esc:p1-manager', 'esc:p1-vendor']);
    // Back to P3 with a level-1 P3 step fired long ago: that escalation happened and still counts.
    expect(escalationSteps(matrix, ticket('P3'), calendars, REPORTED + 5 * HOUR, fired).level).toBe(1);
  });

  it('skips inactive rules and other severities', () => {
    const rules = matrix.map((r) => (r.id === 'p1-manager' ? { ...r, active: false } : r));
    expect(keysOf(escalationSteps(rules, ticket('P1'), calendars, REPORTED + 5 * HOUR, none))).toEqual(['esc:p1-vendor']);
  });
});

describe('working-time rules', () => {
  const rule: EscalationRule = {
    id: 'p3-working-day',
    severity: 'P3',
    afterMinutes: 540,
    clock: 'working',
    calendar: '5x8-china',
    level: 1,
    recipients: [{ kind: 'role', role: 'manager' }],
    active: true,
  };
  // Wed 09-30 16:00: 90 min that day; 10-01…10-07 off; Thu 10-08 08:30 + 450 = 16:00.
  const t = { severity: 'P3' as const, reportedAt: ms('2026-09-30T16:00+08:00'), stoppedAt: null };

  it('counts working minutes on 5×8 China across National Day', () => {
    expect(escalationSteps([rule], t, calendars, ms('2026-10-05T12:00+08:00'), none)).toEqual({
      due: [],
      nextAt: ms('2026-10-08T16:00+08:00'),
      level: 0,
    });
    const steps = escalationSteps([rule], t, calendars, ms('2026-10-08T16:00+08:00'), none);
    expect(steps.due).toEqual([{ key: 'esc:p3-working-day', rule, at: ms('2026-10-08T16:00+08:00') }]);
  });

  it('ends a threshold that exhausts a working day at 17:30, not at 08:30 the next day', () => {
    const fullDay = { ...t, reportedAt: ms('2026-03-02T08:30+08:00') };
    expect(escalationSteps([rule], fullDay, calendars, fullDay.reportedAt, none).nextAt).toBe(ms('2026-03-02T17:30+08:00'));
  });

  it('refuses a working-time rule without a calendar', () => {
    const { calendar: _, ...broken } = rule;
    expect(() => escalationSteps([broken], t, calendars, t.reportedAt, none)).toThrow(/p3-working-day counts working time but names no calendar/);
  });
});
