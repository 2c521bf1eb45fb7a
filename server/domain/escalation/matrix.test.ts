import { describe, expect, it } from 'vitest';
import { builtInCalendars } from '../calendar';
import { defaultEscalationMatrix } from './matrix';
import { EscalationMatrix, escalationRuleFor } from '.';

describe('defaultEscalationMatrix (seed 000)', () => {
  it('escalates manager → vendor → executive per severity, in hours since the report', () => {
    const rows = defaultEscalationMatrix().map((r) => {
      const who = r.recipients.map((x) => (x.kind === 'role' ? x.role : x.kind)).join();
      return `${r.severity} ${r.afterMinutes / 60}h L${r.level} ${who}`;
    });
    expect(rows).toEqual([
      'P1 1h L1 manager',
      'P1 4h L2 vendor',
      'P1 24h L3 executive',
      'P2 4h L1 manager',
      'P2 24h L2 vendor',
      'P2 72h L3 executive',
      'P3 72h L1 manager',
      'P3 120h L2 vendor',
      'P3 240h L3 executive',
      'P4 120h L1 manager',
      'P4 240h L2 vendor',
    ]);
  });

  it('counts calendar time, is active, and passes the admin schema', () => {
    const rules = defaultEscalationMatrix();
    expect(rules.every((r) => r.clock === 'calendar' && r.active && r.calendar === undefined)).toBe(true);
    expect(EscalationMatrix.parse(rules)).toEqual(rules);
    const withCalendars = escalationRuleFor(builtInCalendars().map((c) => c.key));
    for (const rule of rules) expect(withCalendars.safeParse(rule).success).toBe(true);
  });
});
