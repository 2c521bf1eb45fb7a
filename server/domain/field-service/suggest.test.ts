import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIELD_SERVICE_SETTINGS } from '../../../common/api/field-service';
import { ENGINEER_LEVELS, SEVERITIES } from '../../../common/domain';
import { distanceClass, matchSkills, type SuggestEngineer, suggestEngineers, type SuggestTicket } from './suggest';

const settings = DEFAULT_FIELD_SERVICE_SETTINGS;
const ticket = (over: Partial<SuggestTicket> = {}): SuggestTicket => ({ severity: 'P3', requiredSkills: [], siteCenterPath: '/hq/bj/', ...over });
const engineer = (id: string, over: Partial<SuggestEngineer> = {}): SuggestEngineer => ({
  id,
  name: id,
  level: 'senior',
  skills: [],
  center: { id: 'bj', name: '北京' },
  centerPath: '/hq/bj/',
  openTickets: 0,
  plannedVisits: 0,
  onCall: false,
  ...over,
});
const order = (t: SuggestTicket, es: SuggestEngineer[]) => suggestEngineers(t, settings, es).map((s) => s.user.id);

describe('distanceClass', () => {
  it('same center is local', () => expect(distanceClass('/hq/bj/', '/hq/bj/')).toBe('local'));
  it('an ancestor or a descendant is nearby', () => {
    expect(distanceClass('/hq/', '/hq/bj/')).toBe('nearby');
    expect(distanceClass('/hq/bj/hd/', '/hq/bj/')).toBe('nearby');
  });
  it('a sibling (same parent) is nearby', () => expect(distanceClass('/hq/sh/', '/hq/bj/')).toBe('nearby'));
  it('a cousin is far, two roots are far', () => {
    expect(distanceClass('/hq/sh/pd/', '/hq/bj/hd/')).toBe('far');
    expect(distanceClass('/a/', '/b/')).toBe('far');
  });
  it('a prefix of an id is not an ancestor', () => expect(distanceClass('/hq/b/', '/hq/bj/x/')).toBe('far'));
  it('unknown when either is missing', () => {
    expect(distanceClass(null, '/hq/')).toBe('unknown');
    expect(distanceClass('/hq/', undefined)).toBe('unknown');
  });
});

describe('matchSkills', () => {
  it('matches case-insensitively, keeps the ticket spelling, counts a duplicate once', () => {
    expect(matchSkills(['Oracle', 'oracle ', 'SAN', 'Linux'], ['ORACLE', 'linux'])).toEqual({ matched: ['Oracle', 'Linux'], missing: ['SAN'] });
  });
});

describe('suggestEngineers', () => {
  it('a skill match beats none', () => {
    expect(order(ticket({ requiredSkills: ['Oracle'] }), [engineer('a'), engineer('b', { skills: ['oracle'] })])).toEqual(['b', 'a']);
  });

  it('more matched skills rank higher, and the reasons say which', () => {
    const [first, second] = suggestEngineers(ticket({ requiredSkills: ['Oracle', 'SAN'] }), settings, [
      engineer('one', { skills: ['SAN'] }),
      engineer('two', { skills: ['san', 'oracle'] }),
    ]);
    expect(first!.user.id).toBe('two');
    expect(first!.reasons.find((r) => r.kind === 'skills')).toEqual({ kind: 'skills', matched: ['Oracle', 'SAN'], missing: [] });
    expect(second!.reasons.find((r) => r.kind === 'skills')).toEqual({ kind: 'skills', matched: ['SAN'], missing: ['Oracle'] });
  });

  it('a junior is not eligible for P1 (default: senior) and ranks after every eligible engineer', () => {
    const result = suggestEngineers(ticket({ severity: 'P1', requiredSkills: ['Oracle'] }), settings, [
      engineer('junior', { level: 'junior', skills: ['Oracle'], onCall: true }),
      engineer('senior-far', { level: 'senior', centerPath: '/x/', openTickets: 9 }),
    ]);
    expect(result.map((s) => [s.user.id, s.eligible])).toEqual([
      ['senior-far', true],
      ['junior', false],
    ]);
    expect(result[1]!.reasons.find((r) => r.kind === 'level')).toEqual({ kind: 'level', level: 'junior', needed: 'senior', ok: false });
    expect(result[1]!.score).toBeGreaterThan(result[0]!.score);
  });

  it('no level needed (P3 by default): anyone is eligible, also without a level', () => {
    const result = suggestEngineers(ticket(), settings, [engineer('n', { level: null }), engineer('j', { level: 'junior' })]);
    expect(result.every((s) => s.eligible)).toBe(true);
  });

  it('an engineer without a level is not eligible where a level is needed', () => {
    expect(suggestEngineers(ticket({ severity: 'P2' }), settings, [engineer('n', { level: null })])[0]!.eligible).toBe(false);
  });

  it('a level above the one needed counts a little', () => {
    expect(order(ticket({ severity: 'P1' }), [engineer('senior', { level: 'senior' }), engineer('expert', { level: 'expert' })])).toEqual(['expert', 'senior']);
  });

  it('nearer ranks higher: local, nearby, unknown, far', () => {
    expect(
      order(ticket(), [
        engineer('far', { centerPath: '/other/' }),
        engineer('unknown', { centerPath: null }),
        engineer('nearby', { centerPath: '/hq/sh/' }),
        engineer('local'),
      ]),
    ).toEqual(['local', 'nearby', 'unknown', 'far']);
  });

  it('on call now counts', () => {
    expect(order(ticket(), [engineer('a'), engineer('b', { onCall: true })])).toEqual(['b', 'a']);
  });

  it('load counts: open tickets and planned visits alike', () => {
    expect(order(ticket(), [engineer('busy', { openTickets: 2, plannedVisits: 1 }), engineer('free', { openTickets: 1 })])).toEqual(['free', 'busy']);
    const [s] = suggestEngineers(ticket(), settings, [engineer('x', { openTickets: 2, plannedVisits: 1 })]);
    expect(s!.reasons.find((r) => r.kind === 'load')).toEqual({ kind: 'load', openTickets: 2, plannedVisits: 1 });
  });

  it('ties go by name, then id', () => {
    expect(order(ticket(), [engineer('z2', { name: '王' }), engineer('z1', { name: '王' }), engineer('a9', { name: '李' })])).toEqual(['a9', 'z1', 'z2']);
  });

  it('the reasons always come in the same order', () => {
    const [s] = suggestEngineers(ticket(), settings, [engineer('a')]);
    expect(s!.reasons.map((r) => r.kind)).toEqual(['skills', 'level', 'distance', 'load', 'on_call']);
  });

  const engineerArb = fc.record({
    id: fc.uuid(),
    name: fc.constantFrom('王', '李', 'Ann', 'Bo'),
    level: fc.constantFrom(null, ...ENGINEER_LEVELS),
    skills: fc.subarray(['oracle', 'SAN', 'linux', 'network']),
    center: fc.constant(null),
    centerPath: fc.constantFrom(null, '/hq/', '/hq/bj/', '/hq/sh/', '/x/'),
    openTickets: fc.nat(20),
    plannedVisits: fc.nat(10),
    onCall: fc.boolean(),
  });
  const ticketArb = fc.record({
    severity: fc.constantFrom(...SEVERITIES),
    requiredSkills: fc.subarray(['Oracle', 'san', 'Linux', 'storage']),
    siteCenterPath: fc.constantFrom(null, '/hq/bj/', '/x/'),
  });
  const levelsArb = fc.record({
    P1: fc.constantFrom(null, ...ENGINEER_LEVELS),
    P2: fc.constantFrom(null, ...ENGINEER_LEVELS),
    P3: fc.constantFrom(null, ...ENGINEER_LEVELS),
    P4: fc.constantFrom(null, ...ENGINEER_LEVELS),
  });

  it('property: no ineligible engineer ranks above an eligible one; eligible ones by score', () => {
    fc.assert(
      fc.property(ticketArb, levelsArb, fc.uniqueArray(engineerArb, { selector: (e) => e.id, maxLength: 12 }), (t, levelBySeverity, es) => {
        const result = suggestEngineers(t, { levelBySeverity }, es);
        expect(result).toHaveLength(es.length);
        const firstIneligible = result.findIndex((s) => !s.eligible);
        if (firstIneligible >= 0) expect(result.slice(firstIneligible).every((s) => !s.eligible)).toBe(true);
        for (let i = 1; i < result.length; i++) {
          if (result[i]!.eligible === result[i - 1]!.eligible) expect(result[i]!.score).toBeLessThanOrEqual(result[i - 1]!.score);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: the order does not depend on the input order', () => {
    fc.assert(
      fc.property(
        ticketArb,
        fc.uniqueArray(engineerArb, { selector: (e) => e.id, maxLength: 10 }).chain((es) => fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length }))),
        (t, [es, shuffled]) => {
        expect(order(t, shuffled)).toEqual(order(t, es));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: gaining a required skill never lowers the score', () => {
    fc.assert(
      fc.property(ticketArb, engineerArb, (t, e) => {
        const missing = matchSkills(t.requiredSkills, e.skills).missing;
        fc.pre(missing.length > 0);
        const before = suggestEngineers(t, settings, [e])[0]!.score;
        const after = suggestEngineers(t, settings, [{ ...e, skills: [...e.skills, missing[0]!] }])[0]!.score;
        expect(after).toBeGreaterThan(before);
      }),
      { numRuns: 200 },
    );
  });
});
