import { describe, expect, it } from 'vitest';
import { ROLES, TICKET_STATUSES, type TicketStatus } from '../../common/domain';
import { checkTransition, isOpen, nextStatuses } from './ticket-lifecycle';

describe('ticket status machine', () => {
  it('follows the documented path for staff', () => {
    const path: TicketStatus[] = ['new', 'assigned', 'in_progress', 'pending_customer', 'in_progress', 'resolved', 'closed'];
    for (let i = 1; i < path.length; i++) {
      expect(checkTransition(path[i - 1]!, path[i]!, 'engineer')).toEqual({ ok: true });
    }
  });

  it('reopens from resolved and nowhere else after the end', () => {
    expect(checkTransition('resolved', 'in_progress', 'dispatcher').ok).toBe(true);
    expect(nextStatuses('closed')).toEqual([]);
    expect(nextStatuses('cancelled')).toEqual([]);
  });

  it('cancels from every open state and from no other', () => {
    for (const status of TICKET_STATUSES) {
      expect(checkTransition(status, 'cancelled', 'manager').ok).toBe(isOpen(status));
    }
  });

  it('refuses an illegal move with the allowed targets', () => {
    expect(checkTransition('new', 'resolved', 'admin')).toEqual({
      ok: false,
      reason: 'illegal',
      allowed: ['assigned', 'cancelled'],
    });
    expect(checkTransition('closed', 'in_progress', 'admin')).toMatchObject({ ok: false, allowed: [] });
  });

  it('never allows staying in place', () => {
    for (const status of TICKET_STATUSES) {
      for (const role of ROLES) expect(nextStatuses(status, role)).not.toContain(status);
    }
  });

  it('lets customers only confirm, reopen, or withdraw a new report', () => {
    expect(nextStatuses('resolved', 'customer_user')).toEqual(['closed', 'in_progress']);
    expect(nextStatuses('new', 'customer_leader')).toEqual(['cancelled']);
    expect(nextStatuses('in_progress', 'customer_user')).toEqual([]);
    expect(checkTransition('in_progress', 'resolved', 'customer_user')).toMatchObject({
      ok: false,
      reason: 'not_allowed_for_role',
    });
  });

  it('lets a customer user withdraw only a report they made; a leader any of their organisation', () => {
    expect(nextStatuses('new', 'customer_user')).toEqual([]);
    expect(nextStatuses('new', 'customer_user', { reporter: false })).toEqual([]);
    expect(nextStatuses('new', 'customer_user', { reporter: true })).toEqual(['cancelled']);
    expect(nextStatuses('new', 'customer_leader', { reporter: false })).toEqual(['cancelled']);
    expect(checkTransition('new', 'cancelled', 'customer_user', { reporter: false })).toMatchObject({ ok: false, reason: 'not_reporter', allowed: [] });
    expect(checkTransition('new', 'cancelled', 'customer_user', { reporter: true })).toEqual({ ok: true });
    // Confirming or reopening a resolution stays open to every user of the organisation.
    expect(nextStatuses('resolved', 'customer_user', { reporter: false })).toEqual(['closed', 'in_progress']);
  });
});
