import { describe, expect, it } from 'vitest';
import { computeMilestones } from './clock';
import { nextSlaEvents, queueSummary } from './events';
import { calendars, facts, MIN, ms, template } from './test-fixtures';

const standard = template('standard');
const MON_10 = ms('2026-03-02T10:00+08:00');
const p1 = (now: number, extra: Partial<Parameters<typeof facts>[0]> = {}) =>
  computeMilestones(standard, facts({ reportedAt: MON_10, ...extra }), calendars, now);
const none = new Set<string>();

describe('nextSlaEvents', () => {
  it('has nothing due at the report and wakes up at the first warning', () => {
    // respond warns at 80 % of 10 min = 10:08.
    expect(nextSlaEvents(p1(MON_10), none, MON_10)).toEqual({ due: [], nextAt: MON_10 + 8 * MIN });
  });

  it('returns the warning once its instant has come, and then the breach', () => {
    const at9 = MON_10 + 9 * MIN;
    expect(nextSlaEvents(p1(at9), none, at9)).toEqual({
      due: [{ key: 'sla:respond:warn', kind: 'sla_warning', milestone: 'respond', at: MON_10 + 8 * MIN }],
      nextAt: MON_10 + 10 * MIN,
    });
    const fired = new Set(['sla:respond:warn']);
    const at10 = MON_10 + 10 * MIN;
    expect(nextSlaEvents(p1(at10), fired, at10)).toEqual({
      due: [{ key: 'sla:respond:breach', kind: 'sla_breach', milestone: 'respond', at: at10 }],
      // plan warns at 80 % of 30 min = 10:24.
      nextAt: MON_10 + 24 * MIN,
    });
  });

  it('drops a warning whose breach has come (a sweep that was down)', () => {
    const at31 = MON_10 + 31 * MIN;
    const { due } = nextSlaEvents(p1(at31), none, at31);
    expect(due.map((f) => f.key)).toEqual(['sla:respond:breach', 'sla:plan:breach']);
  });

  it('never returns a fired key, nor anything for met or cancelled milestones', () => {
    const at31 = MON_10 + 31 * MIN;
    const states = p1(at31, { stamps: { respond: { at: MON_10 + 5 * MIN } } });
    const { due, nextAt } = nextSlaEvents(states, new Set(['sla:plan:breach']), at31);
    expect(due).toEqual([]);
    expect(nextAt).toBe(MON_10 + 96 * MIN); // resolve warns at 11:36
    const stopped = p1(at31, { stoppedAt: MON_10 + 5 * MIN, stamps: { respond: { at: MON_10 + 5 * MIN } } });
    expect(nextSlaEvents(stopped, none, at31)).toEqual({ due: [], nextAt: null });
  });

  it('does not schedule the moving instants of a paused clock, but fires what passed before the pause', () => {
    // Pending from 10:09: respond warned at 10:08 before the pause; nothing else may be scheduled.
    const history = [
      { at: MON_10, status: 'new' as const },
      { at: MON_10 + 9 * MIN, status: 'pending_customer' as const },
    ];
    const now = MON_10 + 40 * MIN;
    const states = p1(now, { statusHistory: history });
    expect(states.every((s) => s.state === 'paused')).toBe(true);
    expect(nextSlaEvents(states, none, now)).toEqual({
      due: [{ key: 'sla:respond:warn', kind: 'sla_warning', milestone: 'respond', at: MON_10 + 8 * MIN }],
      nextAt: null,
    });
  });
});

describe('queueSummary', () => {
  it('shows the unmet milestone due soonest', () => {
    expect(queueSummary(p1(MON_10))).toEqual({
      milestone: 'respond',
      dueAt: MON_10 + 10 * MIN,
      amberAt: MON_10 + 7.5 * MIN,
      state: 'running',
    });
    const responded = p1(MON_10 + 5 * MIN, { stamps: { respond: { at: MON_10 + 5 * MIN } } });
    expect(queueSummary(responded)).toMatchObject({ milestone: 'plan', dueAt: MON_10 + 30 * MIN });
  });

  it('puts a breached milestone first and shows nothing once all are met or cancelled', () => {
    const late = p1(MON_10 + 40 * MIN, { stamps: { respond: { at: MON_10 + 5 * MIN } } });
    expect(queueSummary(late)).toMatchObject({ milestone: 'plan', state: 'breached' });
    const done = p1(MON_10 + 40 * MIN, {
      stoppedAt: MON_10 + 20 * MIN,
      stamps: { respond: { at: MON_10 + 5 * MIN }, resolve: { at: MON_10 + 20 * MIN } },
    });
    expect(queueSummary(done)).toBeNull();
  });
});
