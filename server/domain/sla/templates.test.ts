import { describe, expect, it } from 'vitest';
import { slaPolicyTemplate, slaPolicyTemplates } from './templates';

/** `key minutes@calendar [after anchor] [ooh minutes@calendar]` per milestone, to read a whole policy at a glance. */
function summary(key: string) {
  const def = slaPolicyTemplate(key)!.definition;
  return Object.fromEntries(
    Object.entries(def.severities).map(([severity, targets]) => [
      severity,
      targets.map((t) =>
        [
          `${t.key} ${t.minutes}@${t.calendar}`,
          t.anchor === 'reported' ? '' : ` after ${t.anchor.milestone}`,
          t.outOfHours ? ` ooh ${t.outOfHours.minutes}@${t.outOfHours.hoursCalendar}` : '',
        ].join(''),
      ),
    ]),
  );
}

describe('SLA templates', () => {
  it('ships seed 002 as "standard" on 7×24', () => {
    expect(summary('standard')).toEqual({
      P1: ['respond 10@7x24', 'plan 30@7x24', 'resolve 120@7x24'],
      P2: ['respond 10@7x24', 'plan 120@7x24', 'resolve 240@7x24'],
      P3: ['respond 20@7x24', 'plan 120@7x24', 'resolve 480@7x24'],
      P4: ['respond 30@7x24', 'plan 240@7x24', 'resolve 720@7x24'],
    });
  });

  it('ships seed 004 as "onsite", with restore after arrival and working days on 5×8 China', () => {
    expect(summary('onsite')).toEqual({
      P1: ['respond 0@7x24', 'arrive 60@7x24', 'restore 120@7x24 after arrive', 'resolve 360@7x24'],
      P2: ['arrive 120@7x24', 'restore 240@7x24', 'resolve 1440@7x24'],
      P3: ['plan 360@7x24', 'resolve 1080@5x8-china'],
      P4: ['resolve 2700@5x8-china'],
    });
  });

  it('ships seed 000 as "hotline-1h5h"', () => {
    const respond = 'respond 60@7x24 ooh 300@5x8-china';
    expect(summary('hotline-1h5h')).toEqual({
      P1: [respond, 'resolve 240@7x24'],
      P2: [respond, 'resolve 1440@7x24'],
      P3: [respond, 'resolve 7200@7x24'],
      P4: [respond, 'resolve 14400@7x24'],
    });
  });

  it('pauses every clock on pending_customer, warns at 80 %, and hands out independent copies', () => {
    for (const { definition } of slaPolicyTemplates()) {
      expect(definition.warnAtRatio).toBe(0.8);
      for (const targets of Object.values(definition.severities)) {
        for (const t of targets) expect(t.pauseOn).toEqual(['pending_customer']);
      }
    }
    slaPolicyTemplate('standard')!.definition.severities.P1[0]!.minutes = 999;
    expect(slaPolicyTemplate('standard')!.definition.severities.P1[0]!.minutes).toBe(10);
    expect(slaPolicyTemplate('nope')).toBeUndefined();
  });
});
