import { describe, expect, it } from 'vitest';
import { computeMilestones } from './clock';
import { calendars, facts, MIN, ms, pick, template } from './test-fixtures';
import type { SlaPolicyDefinition, TicketClockFacts } from './types';

const standard = template('standard');
const onsite = template('onsite');
const hotline = template('hotline-1h5h');

// Monday 2026-03-02, an ordinary working day in China.
const MON_10 = ms('2026-03-02T10:00+08:00');

describe('standard policy (seed 002) on a P1', () => {
  it('counts respond, plan and resolve from the report on 7×24', () => {
    const states = computeMilestones(standard, facts({ reportedAt: MON_10 }), calendars, ms('2026-03-02T10:05+08:00'));
    // 10 min, 30 min and 2 h after 10:00.
    expect(pick(states, 'respond')).toMatchObject({ state: 'running', startedAt: MON_10, dueAt: ms('2026-03-02T10:10+08:00') });
    expect(pick(states, 'plan')).toMatchObject({ state: 'running', dueAt: ms('2026-03-02T10:30+08:00') });
    expect(pick(states, 'resolve')).toMatchObject({
      state: 'running',
      targetMinutes: 120,
      calendar: '7x24',
      dueAt: ms('2026-03-02T12:00+08:00'),
      pausedMinutes: 0,
      name: { zh: '解决', en: 'Resolve' },
    });
  });

  it('puts warnAt at 80 % and amberAt at 75 % of the target', () => {
    const [respond, , resolve] = computeMilestones(standard, facts({ reportedAt: MON_10 }), calendars, MON_10);
    // respond: 80 % of 10 min = 8 min, 75 % = 7 min 30 s.
    expect(respond).toMatchObject({ warnAt: ms('2026-03-02T10:08+08:00'), amberAt: ms('2026-03-02T10:07:30+08:00') });
    // resolve: 80 % of 120 min = 96 min → 11:36; 75 % = 90 min → 11:30.
    expect(resolve).toMatchObject({ warnAt: ms('2026-03-02T11:36+08:00'), amberAt: ms('2026-03-02T11:30+08:00') });
  });

  it('takes the warning share from the policy', () => {
    const half: SlaPolicyDefinition = { ...standard, warnAtRatio: 0.5 };
    const resolve = pick(computeMilestones(half, facts({ reportedAt: MON_10 }), calendars, MON_10), 'resolve');
    expect(resolve.warnAt).toBe(ms('2026-03-02T11:00+08:00'));
    expect(resolve.amberAt).toBe(ms('2026-03-02T11:30+08:00'));
  });
});

describe('pauses (pending_customer)', () => {
  // Waiting on the customer 10:02 → 10:32: 30 minutes of 7×24 time excluded.
  const paused: TicketClockFacts = facts({
    reportedAt: MON_10,
    statusHistory: [
      { at: MON_10, status: 'new' },
      { at: ms('2026-03-02T10:02+08:00'), status: 'pending_customer' },
      { at: ms('2026-03-02T10:32+08:00'), status: 'in_progress' },
    ],
  });

  it('shifts every running clock by the pause and reports the paused minutes', () => {
    const states = computeMilestones(standard, paused, calendars, ms('2026-03-02T10:35+08:00'));
    expect(pick(states, 'respond')).toMatchObject({ state: 'running', dueAt: ms('2026-03-02T10:40+08:00'), pausedMinutes: 30 });
    expect(pick(states, 'plan')).toMatchObject({ state: 'running', dueAt: ms('2026-03-02T11:00+08:00'), pausedMinutes: 30 });
    expect(pick(states, 'resolve')).toMatchObject({ state: 'running', dueAt: ms('2026-03-02T12:30+08:00'), pausedMinutes: 30 });
  });

  it('while paused, gives the due as if the pause ended now', () => {
    // At 10:20 the pause has lasted 18 min: respond 10:10 + 18 = 10:28, still moving.
    const history = paused.statusHistory.slice(0, 2);
    const states = computeMilestones(standard, { ...paused, statusHistory: history }, calendars, ms('2026-03-02T10:20+08:00'));
    expect(pick(states, 'respond')).toMatchObject({ state: 'paused', dueAt: ms('2026-03-02T10:28+08:00'), pausedMinutes: 18 });
    expect(pick(states, 'resolve')).toMatchObject({ state: 'paused', dueAt: ms('2026-03-02T12:18+08:00') });
  });

  it('does not move a due that passed before the pause began', () => {
    // Pending from 10:15: respond was already due at 10:10, so it stays breached at 10:10.
    const late = facts({
      reportedAt: MON_10,
      statusHistory: [
        { at: MON_10, status: 'new' },
        { at: ms('2026-03-02T10:15+08:00'), status: 'pending_customer' },
      ],
    });
    const respond = pick(computeMilestones(standard, late, calendars, ms('2026-03-02T10:45+08:00')), 'respond');
    expect(respond).toMatchObject({ state: 'breached', dueAt: ms('2026-03-02T10:10+08:00'), breachedAt: ms('2026-03-02T10:10+08:00'), pausedMinutes: 0 });
  });

  it('keeps a due that falls exactly on the start of a pause', () => {
    // Pending from 10:10 sharp: respond's 10 min were used up at that instant, so it is due then.
    const onTheDot = facts({
      reportedAt: MON_10,
      statusHistory: [
        { at: MON_10, status: 'new' },
        { at: ms('2026-03-02T10:10+08:00'), status: 'pending_customer' },
      ],
    });
    const states = computeMilestones(standard, onTheDot, calendars, ms('2026-03-02T10:30+08:00'));
    expect(pick(states, 'respond')).toMatchObject({ state: 'breached', dueAt: ms('2026-03-02T10:10+08:00'), pausedMinutes: 0 });
    // plan had 20 min left at 10:10; the pause has lasted 20 min, so as if it ended now: 10:50.
    expect(pick(states, 'plan')).toMatchObject({ state: 'paused', dueAt: ms('2026-03-02T10:50+08:00'), pausedMinutes: 20 });
  });

  it('ignores pauses after a milestone was met', () => {
    // respond met at 10:01, before the 10:02 pause: its due stays 10:10, nothing paused.
    const met = { ...paused, stamps: { respond: { at: ms('2026-03-02T10:01+08:00'), by: 'u1' } } };
    const respond = pick(computeMilestones(standard, met, calendars, ms('2026-03-02T10:35+08:00')), 'respond');
    expect(respond).toMatchObject({ state: 'met', dueAt: ms('2026-03-02T10:10+08:00'), pausedMinutes: 0, metBy: 'u1' });
  });

  describe('on 5×8 China (onsite P3 resolve: 1080 working minutes)', () => {
    const reportedAt = ms('2026-03-02T16:00+08:00');
    // Without pauses: Mon 16:00–17:30 = 90; Tue 540 (630); Wed 08:30 + 450 = 16:00.
    const unpausedDue = ms('2026-03-04T16:00+08:00');

    it('excludes nothing for a pause outside working hours', () => {
      const f = facts({
        reportedAt,
        severity: 'P3',
        statusHistory: [
          { at: reportedAt, status: 'new' },
          { at: ms('2026-03-02T18:00+08:00'), status: 'pending_customer' },
          { at: ms('2026-03-02T20:00+08:00'), status: 'in_progress' },
        ],
      });
      const resolve = pick(computeMilestones(onsite, f, calendars, ms('2026-03-03T09:00+08:00')), 'resolve');
      expect(resolve).toMatchObject({ state: 'running', dueAt: unpausedDue, pausedMinutes: 0 });
    });

    it('excludes only the working part of a pause across the night', () => {
      // Pending Mon 17:00 → Tue 09:00: 30 min Monday + 30 min Tuesday of working time.
      const f = facts({
        reportedAt,
        severity: 'P3',
        statusHistory: [
          { at: reportedAt, status: 'new' },
          { at: ms('2026-03-02T17:00+08:00'), status: 'pending_customer' },
          { at: ms('2026-03-03T09:00+08:00'), status: 'in_progress' },
        ],
      });
      const resolve = pick(computeMilestones(onsite, f, calendars, ms('2026-03-03T10:00+08:00')), 'resolve');
      expect(resolve).toMatchObject({ dueAt: ms('2026-03-04T17:00+08:00'), pausedMinutes: 60 });
    });
  });
});

describe('seed 000: respond within 1 h in working hours, 5 h otherwise', () => {
  const respondOf = (reportedAt: number) =>
    pick(computeMilestones(hotline, facts({ reportedAt, severity: 'P3' }), calendars, reportedAt), 'respond');

  it('gives 1 h to a report on Monday 10:00', () => {
    expect(respondOf(MON_10)).toMatchObject({ targetMinutes: 60, dueAt: ms('2026-03-02T11:00+08:00') });
  });

  it('gives 5 h of calendar time to a report on Saturday 10:00', () => {
    expect(respondOf(ms('2026-03-07T10:00+08:00'))).toMatchObject({ targetMinutes: 300, dueAt: ms('2026-03-07T15:00+08:00') });
  });

  it('gives 5 h on National Day (a Thursday) and 1 h on the make-up Saturday', () => {
    expect(respondOf(ms('2026-10-01T10:00+08:00')).dueAt).toBe(ms('2026-10-01T15:00+08:00'));
    expect(respondOf(ms('2026-10-10T10:00+08:00')).dueAt).toBe(ms('2026-10-10T11:00+08:00'));
  });

  it('decides once, at the report: 08:00 on a working day is out of hours', () => {
    // Working hours begin at 08:30, but the rule looks only at the report instant.
    expect(respondOf(ms('2026-03-02T08:00+08:00')).dueAt).toBe(ms('2026-03-02T13:00+08:00'));
    // 08:30 is the first working instant; 17:30 is already out of hours.
    expect(respondOf(ms('2026-03-02T08:30+08:00')).dueAt).toBe(ms('2026-03-02T09:30+08:00'));
    expect(respondOf(ms('2026-03-02T17:30+08:00')).dueAt).toBe(ms('2026-03-02T22:30+08:00'));
  });
});

describe('onsite policy (seed 004): restore counts from arrival', () => {
  const reported = facts({ reportedAt: MON_10, stamps: { respond: { at: MON_10 } } });

  it('waits while nobody has arrived', () => {
    const states = computeMilestones(onsite, reported, calendars, ms('2026-03-02T10:30+08:00'));
    expect(pick(states, 'respond').state).toBe('met'); // 0 min: met by a stamp at the report itself
    expect(pick(states, 'arrive')).toMatchObject({ state: 'running', dueAt: ms('2026-03-02T11:00+08:00') });
    expect(pick(states, 'restore')).toMatchObject({ state: 'waiting', startedAt: null, dueAt: null, warnAt: null, amberAt: null });
  });

  it('runs 120 min from the arrival stamp once there is one', () => {
    const arrived = { ...reported, stamps: { ...reported.stamps, arrive: { at: ms('2026-03-02T11:20+08:00'), by: 'eng' } } };
    const states = computeMilestones(onsite, arrived, calendars, ms('2026-03-02T11:30+08:00'));
    // Arrived 20 min late: arrive is breached at its due, restore still counts from 11:20.
    expect(pick(states, 'arrive')).toMatchObject({ state: 'breached', metAt: ms('2026-03-02T11:20+08:00'), breachedAt: ms('2026-03-02T11:00+08:00') });
    expect(pick(states, 'restore')).toMatchObject({ state: 'running', startedAt: ms('2026-03-02T11:20+08:00'), dueAt: ms('2026-03-02T13:20+08:00') });
  });

  it('breaches a 0-minute target at once unless stamped at the report', () => {
    const respond = pick(computeMilestones(onsite, facts({ reportedAt: MON_10 }), calendars, MON_10), 'respond');
    expect(respond).toMatchObject({ state: 'breached', dueAt: MON_10, warnAt: MON_10, amberAt: MON_10, breachedAt: MON_10 });
  });

  it('cancels a waiting milestone when the ticket stops, and accepts one met without its anchor', () => {
    const stopped = { ...reported, stoppedAt: ms('2026-03-02T10:40+08:00') };
    expect(pick(computeMilestones(onsite, stopped, calendars, ms('2026-03-02T11:00+08:00')), 'restore').state).toBe('cancelled');
    // Restored remotely: nobody arrived, restore never started, so it cannot have been late.
    const remote = { ...reported, stamps: { ...reported.stamps, restore: { at: ms('2026-03-02T10:40+08:00') } } };
    expect(pick(computeMilestones(onsite, remote, calendars, ms('2026-03-02T10:45+08:00')), 'restore')).toMatchObject({
      state: 'met',
      dueAt: null,
      metAt: ms('2026-03-02T10:40+08:00'),
    });
  });

  it('repairs a P3 in 2 working days across National Day 2026', () => {
    // Wed 09-30 15:00: 150 min that day; 10-01…10-07 off; Thu 10-08: 540 (690);
    // Fri 10-09 08:30 + 390 = 15:00.
    const reportedAt = ms('2026-09-30T15:00+08:00');
    const states = computeMilestones(onsite, facts({ reportedAt, severity: 'P3' }), calendars, ms('2026-10-05T12:00+08:00'));
    expect(pick(states, 'resolve')).toMatchObject({ state: 'running', calendar: '5x8-china', dueAt: ms('2026-10-09T15:00+08:00') });
    // plan: 6 h on 7×24 → 21:00 the same day, long gone by 10-05.
    expect(pick(states, 'plan')).toMatchObject({ state: 'breached', dueAt: ms('2026-09-30T21:00+08:00') });
  });
});

describe('outcomes', () => {
  it('recomputes from the report after a severity change P3 → P1', () => {
    const now = ms('2026-03-02T11:00+08:00');
    const base = facts({ reportedAt: MON_10, severity: 'P3', stamps: { respond: { at: ms('2026-03-02T10:15+08:00') } } });
    // As P3: respond 20 min (met at 10:15), plan 2 h, resolve 8 h.
    const asP3 = computeMilestones(standard, base, calendars, now);
    expect(asP3.map((s) => s.state)).toEqual(['met', 'running', 'running']);
    // As P1 at 11:00: respond was due 10:10 (met late), plan 10:30 already passed, resolve 12:00 running.
    const asP1 = computeMilestones(standard, { ...base, severity: 'P1' }, calendars, now);
    expect(pick(asP1, 'respond')).toMatchObject({ state: 'breached', breachedAt: ms('2026-03-02T10:10+08:00'), metAt: ms('2026-03-02T10:15+08:00') });
    expect(pick(asP1, 'plan')).toMatchObject({ state: 'breached', breachedAt: ms('2026-03-02T10:30+08:00'), metAt: null });
    expect(pick(asP1, 'resolve')).toMatchObject({ state: 'running', dueAt: ms('2026-03-02T12:00+08:00') });
  });

  it('counts a stamp exactly at the due as met', () => {
    const f = facts({ reportedAt: MON_10, stamps: { respond: { at: MON_10 + 10 * MIN } } });
    expect(pick(computeMilestones(standard, f, calendars, MON_10 + 20 * MIN), 'respond')).toMatchObject({ state: 'met', breachedAt: null });
    const late = facts({ reportedAt: MON_10, stamps: { respond: { at: MON_10 + 10 * MIN + 1 } } });
    expect(pick(computeMilestones(standard, late, calendars, MON_10 + 20 * MIN), 'respond')).toMatchObject({
      state: 'breached',
      breachedAt: MON_10 + 10 * MIN,
    });
  });

  it('breaches an unmet milestone when now reaches the due', () => {
    expect(pick(computeMilestones(standard, facts({ reportedAt: MON_10 }), calendars, MON_10 + 10 * MIN - 1), 'respond').state).toBe('running');
    expect(pick(computeMilestones(standard, facts({ reportedAt: MON_10 }), calendars, MON_10 + 10 * MIN), 'respond').state).toBe('breached');
  });

  it('cancels what was not yet due when the ticket stopped, and keeps breaches from before', () => {
    // Resolved at 10:20: respond (due 10:10) was missed, plan (due 10:30) had not come due.
    const stoppedAt = ms('2026-03-02T10:20+08:00');
    const f = facts({ reportedAt: MON_10, stoppedAt, stamps: { resolve: { at: stoppedAt } } });
    const states = computeMilestones(standard, f, calendars, ms('2026-03-02T15:00+08:00'));
    expect(states.map((s) => [s.milestone, s.state])).toEqual([
      ['respond', 'breached'],
      ['plan', 'cancelled'],
      ['resolve', 'met'],
    ]);
    expect(pick(states, 'plan')).toMatchObject({ dueAt: ms('2026-03-02T10:30+08:00'), breachedAt: null });
  });

  it('treats stopping exactly at the due as in time', () => {
    const stoppedAt = ms('2026-03-02T10:30+08:00');
    const f = facts({ reportedAt: MON_10, stoppedAt, stamps: { respond: { at: MON_10 } } });
    expect(pick(computeMilestones(standard, f, calendars, stoppedAt), 'plan').state).toBe('cancelled');
    expect(pick(computeMilestones(standard, { ...f, stoppedAt: stoppedAt + 1 }, calendars, stoppedAt + 1), 'plan').state).toBe('breached');
  });

  it('gives no milestones to a severity without targets', () => {
    const none: SlaPolicyDefinition = { ...standard, severities: { ...standard.severities, P4: [] } };
    expect(computeMilestones(none, facts({ reportedAt: MON_10, severity: 'P4' }), calendars, MON_10)).toEqual([]);
  });
});
