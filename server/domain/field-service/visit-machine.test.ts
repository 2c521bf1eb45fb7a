import { describe, expect, it } from 'vitest';
import { VISIT_STATUSES, type VisitStatus } from '../../../common/api/field-service';
import { canReplan, judgeStep, nextSteps, type VisitStep } from './visit-machine';

const STEPS: VisitStep[] = ['departed', 'on_site', 'finished', 'cancelled'];
const LEGAL: Record<VisitStatus, VisitStep[]> = {
  planned: ['departed', 'on_site', 'cancelled'],
  departed: ['on_site', 'cancelled'],
  on_site: ['finished', 'cancelled'],
  finished: [],
  cancelled: [],
};

describe('visit state machine', () => {
  for (const from of VISIT_STATUSES) {
    for (const to of STEPS) {
      const expected = from === to ? 'same' : LEGAL[from].includes(to) ? 'move' : 'illegal';
      it(`${from} → ${to}: ${expected}`, () => {
        const verdict = judgeStep(from, to);
        expect(verdict.kind).toBe(expected);
        if (verdict.kind === 'illegal') expect([...verdict.allowed]).toEqual(LEGAL[from]);
      });
    }
  }

  it('lists the steps each status may take, none after the end', () => {
    for (const status of VISIT_STATUSES) expect([...nextSteps(status)]).toEqual(LEGAL[status]);
  });

  it('never goes backward: no step leads to planned, finished only from on site', () => {
    expect(judgeStep('departed', 'departed').kind).toBe('same');
    expect(judgeStep('on_site', 'departed')).toEqual({ kind: 'illegal', allowed: ['finished', 'cancelled'] });
    expect(judgeStep('planned', 'finished')).toEqual({ kind: 'illegal', allowed: ['departed', 'on_site', 'cancelled'] });
    expect(judgeStep('finished', 'cancelled')).toEqual({ kind: 'illegal', allowed: [] });
  });

  it('re-plans only a planned visit', () => {
    expect(VISIT_STATUSES.filter(canReplan)).toEqual(['planned']);
  });
});
