/**
 * The escalation matrix Fuwutai ships: seed 000's table (DESIGN.md), counted in calendar time
 * since the report. 技术支持经理 → 原厂商技术中心 → 副总裁/总裁, levels 1, 2, 3 per severity.
 */
import type { Severity } from '../../../common/domain';
import type { EscalationRecipient, EscalationRule } from './types';

const H = 60;

const MANAGER: EscalationRecipient = { kind: 'role', role: 'manager' };
const VENDOR: EscalationRecipient = { kind: 'vendor' };
const EXECUTIVE: EscalationRecipient = { kind: 'role', role: 'executive' };
const LADDER = [MANAGER, VENDOR, EXECUTIVE] as const;
const LADDER_NAMES = ['manager', 'vendor', 'executive'] as const;

/** Hours after the report at which each rung is reached, per severity. */
const THRESHOLDS: Record<Severity, number[]> = {
  P1: [1, 4, 24],
  P2: [4, 24, 72],
  P3: [72, 120, 240],
  // Seed 000 stops P4 at the vendor: no executive step.
  P4: [120, 240],
};

/** Fresh rules on every call; ids are stable (`p1-manager`), since fired keys are built from them. */
export function defaultEscalationMatrix(): EscalationRule[] {
  return (Object.keys(THRESHOLDS) as Severity[]).flatMap((severity) =>
    THRESHOLDS[severity].map((hours, i) => ({
      id: `${severity.toLowerCase()}-${LADDER_NAMES[i]!}`,
      severity,
      afterMinutes: hours * H,
      clock: 'calendar' as const,
      level: i + 1,
      recipients: [{ ...LADDER[i]! }],
      active: true,
    })),
  );
}
