import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workingMinutesBetween } from '../calendar';
import type { TicketStatus } from '../../../common/domain';
import { computeMilestones } from './clock';
import { nextSlaEvents, slaBreachKey, slaWarningKey } from './events';
import { calendars, MIN } from './test-fixtures';
import type { MilestoneTarget, SlaPolicyDefinition, TicketClockFacts } from './types';

const RUNS = { numRuns: 300 };
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// 2025–2026: the years chinese-days covers, so 5×8 China has its real holidays.
const FROM = Date.UTC(2025, 0, 1);
const TO = Date.UTC(2026, 10, 30);
const KEYS = ['respond', 'plan', 'arrive', 'restore', 'resolve'] as const;
const PAUSE_SETS: TicketStatus[][] = [['pending_customer'], ['pending_customer', 'assigned'], []];
const STATUSES: TicketStatus[] = ['assigned', 'in_progress', 'pending_customer', 'pending_customer', 'in_progress'];

/** Up to five milestones on P1; each may count from an earlier one, so anchors never cycle. */
const policyArb: fc.Arbitrary<SlaPolicyDefinition> = fc
  .tuple(
    fc.integer({ min: 1, max: 5 }),
    fc.array(
      fc.record({
        minutes: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3000 })),
        calendar: fc.constantFrom('7x24', '5x8-china'),
        anchorBack: fc.nat(),
        anchored: fc.boolean(),
        outOfHours: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
        pauseOn: fc.constantFrom(...PAUSE_SETS),
      }),
      { minLength: 5, maxLength: 5 },
    ),
    fc.double({ min: 0.75, max: 0.95, noNaN: true }),
  )
  .map(([count, specs, warnAtRatio]) => {
    const P1: MilestoneTarget[] = specs.slice(0, count).map((s, i) => ({
      key: KEYS[i]!,
      minutes: s.minutes,
      calendar: s.calendar,
      anchor: s.anchored && i > 0 ? { milestone: KEYS[s.anchorBack % i]! } : 'reported',
      ...(s.outOfHours === undefined ? {} : { outOfHours: { minutes: s.outOfHours, hoursCalendar: '5x8-china' } }),
      pauseOn: s.pauseOn,
    }));
    return { warnAtRatio, severities: { P1, P2: [], P3: [], P4: [] } };
  });

/** A gap that is often a whole number of minutes (where boundary mistakes live), sometimes not. */
const gapArb = (max: number) => fc.oneof(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: max / MIN }).map((m) => m * MIN));

const factsArb: fc.Arbitrary<{ facts: TicketClockFacts; now: number }> = fc
  .record({
    reportedAt: fc.oneof(fc.integer({ min: FROM, max: TO }), fc.integer({ min: FROM / MIN, max: TO / MIN }).map((m) => m * MIN)),
    steps: fc.array(fc.tuple(gapArb(2 * DAY), fc.constantFrom(...STATUSES)), { maxLength: 8 }),
    stamps: fc.array(fc.option(gapArb(6 * DAY), { nil: undefined }), { minLength: 5, maxLength: 5 }),
    stop: fc.option(gapArb(8 * DAY), { nil: undefined }),
    nowGap: gapArb(10 * DAY),
  })
  .map(({ reportedAt, steps, stamps, stop, nowGap }) => {
    const statusHistory: TicketClockFacts['statusHistory'][number][] = [{ at: reportedAt, status: 'new' }];
    let t = reportedAt;
    for (const [gap, status] of steps) {
      t += gap;
      statusHistory.push({ at: t, status });
    }
    const stampMap: TicketClockFacts['stamps'] = {};
    stamps.forEach((gap, i) => {
      if (gap !== undefined) stampMap[KEYS[i]!] = { at: reportedAt + gap, by: 'someone' };
    });
    const stoppedAt = stop === undefined ? null : reportedAt + stop;
    const now = Math.max(reportedAt + nowGap, stoppedAt ?? 0);
    return { facts: { reportedAt, severity: 'P1' as const, statusHistory, stamps: stampMap, stoppedAt }, now };
  });

/**
 * An independent, slow statement of the rule: working time since the start, minus working time
 * inside pause stretches, where a pause runs until the next status, the stamp, the stop or now.
 */
function referenceClock(target: MilestoneTarget, facts: TicketClockFacts, start: number, metAt: number | null, now: number) {
  const cal = calendars(target.calendar);
  const worked = (a: number, b: number) => (b > a ? Math.round(workingMinutesBetween(cal, a, b) * MIN) : 0);
  const end = metAt ?? (facts.stoppedAt === null ? now : Math.min(now, facts.stoppedAt));
  const pausedBy = (t: number) => {
    let sum = 0;
    facts.statusHistory.forEach((entry, i) => {
      if (!target.pauseOn.includes(entry.status)) return;
      const next = facts.statusHistory[i + 1]?.at ?? end;
      sum += worked(Math.max(entry.at, start), Math.min(next, end, t));
    });
    return sum;
  };
  return { pausedBy, consumedBy: (t: number) => worked(start, t) - pausedBy(t) };
}

describe('milestone clock properties', () => {
  it('pauses never make a due earlier', () => {
    fc.assert(
      fc.property(policyArb, factsArb, (policy, { facts, now }) => {
        const unpaused = { ...facts, statusHistory: facts.statusHistory.map((e) => ({ at: e.at, status: 'in_progress' as const })) };
        const withPauses = computeMilestones(policy, facts, calendars, now);
        const without = computeMilestones(policy, unpaused, calendars, now);
        withPauses.forEach((s, i) => {
          const plain = without[i]!;
          if (s.dueAt !== null && plain.dueAt !== null) expect(s.dueAt).toBeGreaterThanOrEqual(plain.dueAt);
        });
      }),
      RUNS,
    );
  });

  it('is met only by a stamp at or before the due, and breached with a stamp only when it came later', () => {
    fc.assert(
      fc.property(policyArb, factsArb, (policy, { facts, now }) => {
        for (const s of computeMilestones(policy, facts, calendars, now)) {
          if (s.state === 'met') {
            expect(s.metAt).not.toBeNull();
            if (s.dueAt !== null) expect(s.metAt!).toBeLessThanOrEqual(s.dueAt);
          }
          if (s.state === 'breached' && s.metAt !== null) expect(s.metAt).toBeGreaterThan(s.dueAt!);
          expect(s.breachedAt !== null).toBe(s.state === 'breached');
          if (s.breachedAt !== null) expect(s.breachedAt).toBe(s.dueAt);
        }
      }),
      RUNS,
    );
  });

  it('consumes exactly the target: working time from start to due minus paused time', () => {
    fc.assert(
      fc.property(policyArb, factsArb, (policy, { facts, now }) => {
        for (const s of computeMilestones(policy, facts, calendars, now)) {
          if (s.startedAt === null || s.dueAt === null) continue;
          const workedMs = Math.round(workingMinutesBetween(calendars(s.calendar), s.startedAt, s.dueAt) * MIN);
          expect(workedMs - Math.round(s.pausedMinutes * MIN)).toBe(s.targetMinutes * MIN);
          expect(s.startedAt).toBeLessThanOrEqual(s.amberAt!);
          expect(s.amberAt!).toBeLessThanOrEqual(s.warnAt!);
          expect(s.warnAt!).toBeLessThanOrEqual(s.dueAt);
        }
      }),
      RUNS,
    );
  });

  it('puts the due at the earliest instant the target is consumed (checked against a direct count)', () => {
    fc.assert(
      fc.property(policyArb, factsArb, (policy, { facts, now }) => {
        computeMilestones(policy, facts, calendars, now).forEach((s, i) => {
          if (s.startedAt === null || s.dueAt === null) return;
          const clock = referenceClock(policy.severities.P1[i]!, facts, s.startedAt, s.metAt, now);
          expect(clock.consumedBy(s.dueAt)).toBe(s.targetMinutes * MIN);
          if (s.targetMinutes > 0) expect(clock.consumedBy(s.dueAt - 1)).toBeLessThan(s.targetMinutes * MIN);
          expect(Math.round(s.pausedMinutes * MIN)).toBe(clock.pausedBy(s.dueAt));
        });
      }),
      RUNS,
    );
  });

  it('nextSlaEvents never returns a fired key, only instants up to now, and a future nextAt', () => {
    const allKeys = KEYS.flatMap((k) => [slaWarningKey(k), slaBreachKey(k)]);
    fc.assert(
      fc.property(policyArb, factsArb, fc.subarray(allKeys), (policy, { facts, now }, fired) => {
        const firedKeys = new Set(fired);
        const { due, nextAt } = nextSlaEvents(computeMilestones(policy, facts, calendars, now), firedKeys, now);
        for (const firing of due) {
          expect(firedKeys.has(firing.key)).toBe(false);
          expect(firing.at).toBeLessThanOrEqual(now);
        }
        expect(new Set(due.map((f) => f.key)).size).toBe(due.length);
        if (nextAt !== null) expect(nextAt).toBeGreaterThan(now);
      }),
      RUNS,
    );
  });
});
