import { describe, expect, it } from 'vitest';
import { CALENDAR_KEYS } from '../calendar';
import { SlaPolicyDefinition, slaPolicyDefinitionFor } from '.';
import { DEFAULT_SLA_TEMPLATE_KEY, slaPolicyTemplates } from './templates';

const KNOWN = [CALENDAR_KEYS.always, CALENDAR_KEYS.china5x8];
const t = (key: string, extra: Record<string, unknown> = {}) => ({ key, minutes: 60, calendar: '7x24', anchor: 'reported', ...extra });
const policy = (P1: unknown[]) => ({ severities: { P1, P2: [], P3: [], P4: [] } });

/** The issues of a failed parse as `path: message` lines, the way an administrator reads them. */
function issues(input: unknown, calendars: string[] = KNOWN): string[] {
  const result = slaPolicyDefinitionFor(calendars).safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('SlaPolicyDefinition', () => {
  it('accepts every shipped template, standard first', () => {
    const templates = slaPolicyTemplates();
    expect(templates.map((x) => x.key)).toEqual([DEFAULT_SLA_TEMPLATE_KEY, 'onsite', 'hotline-1h5h']);
    for (const template of templates) expect(issues(template.definition)).toEqual([]);
  });

  it('fills in the warning share and the pause statuses', () => {
    const parsed = SlaPolicyDefinition.parse(policy([t('respond')]));
    expect(parsed.warnAtRatio).toBe(0.8);
    expect(parsed.severities.P1[0]!.pauseOn).toEqual(['pending_customer']);
  });

  it('refuses a key used twice in one severity', () => {
    expect(issues(policy([t('respond'), t('respond')]))).toEqual([
      'severities.P1.1.key: "respond" appears twice in P1; each milestone may appear once per severity',
    ]);
  });

  it('refuses an anchor that is not a milestone of the severity, or the milestone itself', () => {
    expect(issues(policy([t('restore', { anchor: { milestone: 'arrive' } })]))).toEqual([
      'severities.P1.0.anchor: counts from "arrive", which is not a milestone of P1',
    ]);
    expect(issues(policy([t('restore', { anchor: { milestone: 'restore' } })]))).toEqual([
      'severities.P1.0.anchor: "restore" cannot count from itself',
    ]);
  });

  it('refuses an anchor cycle once, naming it', () => {
    const cycle = [
      t('respond'),
      t('arrive', { anchor: { milestone: 'restore' } }),
      t('restore', { anchor: { milestone: 'resolve' } }),
      t('resolve', { anchor: { milestone: 'arrive' } }),
    ];
    expect(issues(policy(cycle))).toEqual([
      'severities.P1.1.anchor: anchors form a cycle (arrive → restore → resolve → arrive); one of them must count from the report',
    ]);
  });

  it('needs names for custom milestones only', () => {
    expect(issues(policy([t('callback')]))).toEqual(['severities.P1.0.name: custom milestone "callback" needs a name in Chinese and English']);
    expect(issues(policy([t('callback', { name: { zh: '回访', en: 'Callback' } })]))).toEqual([]);
    expect(issues(policy([t('Callback!')]))[0]).toMatch(/^severities\.P1\.0\.key: must be 2–40 characters/);
  });

  it('refuses unknown calendars, in the target and in the out-of-hours rule', () => {
    const input = policy([t('respond', { calendar: '5x8-us', outOfHours: { minutes: 300, hoursCalendar: 'nope' } })]);
    expect(issues(input)).toEqual([
      'severities.P1.0.calendar: unknown calendar "5x8-us" (known: 7x24, 5x8-china)',
      'severities.P1.0.outOfHours.hoursCalendar: unknown calendar "nope" (known: 7x24, 5x8-china)',
    ]);
    // Without the calendar check the same input is fine.
    expect(SlaPolicyDefinition.safeParse(input).success).toBe(true);
  });

  it('refuses fractional or negative minutes, a warning share outside (0, 1), and a missing severity', () => {
    expect(issues(policy([t('respond', { minutes: 1.5 })]))).toEqual(['severities.P1.0.minutes: must be a whole number of minutes']);
    expect(issues(policy([t('respond', { minutes: -1 })]))).toEqual(['severities.P1.0.minutes: must not be negative (0 means "at once")']);
    expect(issues({ ...policy([]), warnAtRatio: 1 })).toEqual(['warnAtRatio: must be less than 1 (a warning after the breach is no warning)']);
    expect(issues({ severities: { P1: [], P2: [], P3: [] } }).join('\n')).toMatch(/^severities\.P4: /);
  });

  it('refuses an unknown pause status', () => {
    expect(issues(policy([t('respond', { pauseOn: ['waiting'] })]))[0]).toMatch(/^severities\.P1\.0\.pauseOn\.0: must be one of new, /);
  });
});
