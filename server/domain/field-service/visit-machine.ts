/**
 * The visit's state machine: planned → departed → on site → finished, or cancelled before it is
 * finished. A step may be skipped forward (an engineer who checks in without having pressed "start
 * trip" departed at the same moment), never backward. Sending the state the visit is already in
 * is a retry and changes nothing.
 */
import type { VisitStatus } from '../../../common/api/field-service';

export type VisitStep = 'departed' | 'on_site' | 'finished' | 'cancelled';

const NEXT: Record<VisitStatus, readonly VisitStep[]> = {
  planned: ['departed', 'on_site', 'cancelled'],
  departed: ['on_site', 'cancelled'],
  on_site: ['finished', 'cancelled'],
  finished: [],
  cancelled: [],
};

/** The steps a visit in `status` may take next. */
export const nextSteps = (status: VisitStatus): readonly VisitStep[] => NEXT[status];

export type StepVerdict =
  | { kind: 'move' }
  /** Already there: a repeated request, answered with the visit as it is. */
  | { kind: 'same' }
  | { kind: 'illegal'; allowed: readonly VisitStep[] };

export function judgeStep(status: VisitStatus, to: VisitStep): StepVerdict {
  if (status === to) return { kind: 'same' };
  if (NEXT[status].includes(to)) return { kind: 'move' };
  return { kind: 'illegal', allowed: NEXT[status] };
}

/** Only a planned visit can be re-planned (window, engineers, devices). */
export const canReplan = (status: VisitStatus) => status === 'planned';
