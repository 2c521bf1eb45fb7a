import { describe, expect, it } from 'vitest';
import { EscalationMatrix, EscalationRuleDraft, escalationRuleFor } from '.';

const rule = (extra: Record<string, unknown> = {}) => ({
  id: 'p1-manager',
  severity: 'P1',
  afterMinutes: 60,
  clock: 'calendar',
  level: 1,
  recipients: [{ kind: 'role', role: 'manager' }],
  ...extra,
});

function issues(input: unknown): string[] {
  const result = escalationRuleFor(['7x24', '5x8-china']).safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('escalation rule schema', () => {
  it('accepts every kind of recipient and defaults to active', () => {
    const recipients = [
      { kind: 'role', role: 'executive' },
      { kind: 'user', userId: '5b0c2a4e-8f0a-4c57-9a51-0d3b8b0e2f11' },
      { kind: 'contact', contactId: '0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' },
      { kind: 'vendor' },
    ];
    const parsed = escalationRuleFor(['7x24']).parse(rule({ recipients }));
    expect(parsed).toMatchObject({ active: true, recipients });
  });

  it('needs a known calendar for working-time rules, and none for calendar-time rules', () => {
    expect(issues(rule({ clock: 'working' }))).toEqual(['calendar: a working-time rule needs the calendar it counts on']);
    expect(issues(rule({ clock: 'working', calendar: 'mars' }))).toEqual(['calendar: unknown calendar "mars" (known: 7x24, 5x8-china)']);
    expect(issues(rule({ clock: 'working', calendar: '5x8-china' }))).toEqual([]);
    expect(issues(rule({ calendar: '5x8-china' }))).toEqual([
      'calendar: only working-time rules use a calendar; remove it or set the clock to "working"',
    ]);
  });

  it('explains bad recipients, levels and minutes', () => {
    expect(issues(rule({ recipients: [] }))).toEqual(['recipients: add at least one recipient; a step that tells nobody escalates nothing']);
    expect(issues(rule({ recipients: [{ kind: 'role', role: 'boss' }] }))[0]).toMatch(/^recipients\.0\.role: must be one of admin, /);
    expect(issues(rule({ level: 0 }))).toEqual(['level: must be at least 1']);
    expect(issues(rule({ afterMinutes: 1.5 }))).toEqual(['afterMinutes: must be a whole number of minutes']);
  });

  it('takes a draft without an id, and refuses a matrix that reuses one', () => {
    const { id: _, ...draft } = rule();
    expect(EscalationRuleDraft.safeParse(draft).success).toBe(true);
    const result = EscalationMatrix.safeParse([rule(), rule({ severity: 'P2' })]);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['1.id: rule id "p1-manager" is used twice']);
  });
});
