/** Escalation recipients as one Select value each: `role:manager`, `user:<id>`, `contact:<id>`, `vendor`, `on_call`. */
import type { TFunction } from 'i18next';
import type { Role } from '../../../../common/domain';
import type { EscalationRecipient, EscalationRuleDto } from '../../api/types';
import type { Labels } from '../../i18n/labels';

export function encodeRecipient(r: Record<string, unknown>): string {
  switch (r.kind) {
    case 'role':
      return `role:${String(r.role)}`;
    case 'user':
      return `user:${String(r.userId)}`;
    case 'contact':
      return `contact:${String(r.contactId)}`;
    case 'on_call':
      return 'on_call';
    default:
      return 'vendor';
  }
}

export function decodeRecipient(value: string): EscalationRecipient {
  const [kind, id = ''] = value.split(/:(.*)/s);
  if (kind === 'role') return { kind: 'role', role: id as Role };
  if (kind === 'user') return { kind: 'user', userId: id };
  if (kind === 'contact') return { kind: 'contact', contactId: id };
  if (kind === 'on_call') return { kind: 'on_call' };
  return { kind: 'vendor' };
}

/** Staff roles an escalation can go to (customers are told through the ticket, not the matrix). */
export const ESCALATION_ROLES: Role[] = ['manager', 'executive', 'dispatcher', 'engineer', 'qa', 'admin'];

/**
 * Who a rule tells, in the current language: roles and the vendor center by their labels, people
 * and contacts by the names the server resolved (`recipientNames` follows `recipients`' order).
 */
export function recipientLabels(rule: Pick<EscalationRuleDto, 'recipients' | 'recipientNames'>, labels: Labels, t: TFunction): string[] {
  return rule.recipients.map((r, i) => {
    if (r.kind === 'role') return labels.role(String(r.role));
    if (r.kind === 'vendor') return t('escalation.vendor');
    if (r.kind === 'on_call') return t('escalation.onCall');
    return rule.recipientNames[i] ?? '';
  });
}
