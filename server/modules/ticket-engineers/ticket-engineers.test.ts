/**
 * Helpers and invited experts on a ticket (专家会诊, issue 12): an expert of another center sees and
 * comments on the ticket only while invited; the bell tells the invited person; re-adding is
 * idempotent; the timeline, push audience and audit follow.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, notifications, ticketEvents } from '../../db/schema';
import { audienceAllows } from '../tickets/audience';
import { ticketAudience } from '../push/publish';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let regionA: string;
let regionB: string;
let dispatcherA: Client;
let leadA: Client;
let expertB: Client;
let helperA: Client;
let customerA: string;

beforeAll(async () => {
  t = await createTestApp();
  regionA = (await t.factory.center()).id;
  regionB = (await t.factory.center()).id;
  customerA = (await t.factory.customer({ centerId: regionA })).id;
  dispatcherA = await t.as('dispatcher', { centerId: regionA });
  leadA = await named(regionA, '李主办');
  helperA = await named(regionA, '王协助');
  expertB = await named(regionB, '赵专家');
});
afterAll(() => t?.close());

/** A named engineer (t.as passes the name on to the user factory). */
const named = (centerId: string, name: string) => t.as('engineer', { centerId, name } as { centerId: string });
const drain = () => t.services.consumers.drain();

async function newTicket() {
  return t.factory.ticket({ customerId: customerA, centerId: regionA, assigneeId: leadA.user.id });
}

describe('engineers on a ticket', () => {
  it('an expert of another center sees and comments only while invited; the bell tells them; re-adding changes nothing', async () => {
    const ticket = await newTicket();
    // Before: outside the expert's center, nothing to see or write.
    expect((await expertB.get(`/api/tickets/${ticket.id}`)).status).toBe(404);
    expect((await expertB.post(`/api/tickets/${ticket.id}/comments`, { body: '看看', public: false })).status).toBe(404);
    expect((await expertB.get('/api/tickets?limit=100')).body.items.map((i: { id: string }) => i.id)).not.toContain(ticket.id);

    const invited = await dispatcherA.post(`/api/tickets/${ticket.id}/engineers`, { userId: expertB.user.id, role: 'expert', note: '主板反复重启，是否需要更换？' });
    expect(invited.status).toBe(200);
    expect(invited.body.map((e: { role: string; user: { id: string } }) => [e.role, e.user.id])).toEqual([
      ['lead', leadA.user.id],
      ['expert', expertB.user.id],
    ]);
    expect(invited.body[1]).toMatchObject({ note: '主板反复重启，是否需要更换？', invitedBy: { id: dispatcherA.user.id }, user: { name: '赵专家', center: { id: regionB } } });

    // Now the expert sees it (page, queue) and writes an internal note on it.
    expect((await expertB.get(`/api/tickets/${ticket.id}`)).status).toBe(200);
    expect((await expertB.get('/api/tickets?limit=100')).body.items.map((i: { id: string }) => i.id)).toContain(ticket.id);
    expect((await expertB.post(`/api/tickets/${ticket.id}/comments`, { body: '建议先更换电源模块', public: false })).status).toBe(201);
    expect((await expertB.get(`/api/tickets/${ticket.id}/engineers`)).body).toHaveLength(2);

    // The bell tells the invited expert (and only them), with the question.
    await drain();
    const bell = await t.services.db.select().from(notifications).where(and(eq(notifications.ticketId, ticket.id), eq(notifications.kind, 'ticket.engineer_added')));
    expect(bell.map((n) => n.userId)).toEqual([expertB.user.id]);
    expect(bell[0]!.params).toMatchObject({ variant: 'question', note: '主板反复重启，是否需要更换？' });
    expect(bell[0]!.title).toContain('邀请您会诊');

    // The timeline says it, internally; the audit has it.
    const lines = await t.services.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'engineers')));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ public: false, data: { action: 'added', role: 'expert', user: { id: expertB.user.id, name: '赵专家' }, note: '主板反复重启，是否需要更换？' } });
    expect(await t.services.db.select().from(auditLog).where(and(eq(auditLog.entityId, ticket.id), eq(auditLog.action, 'engineer_added')))).toHaveLength(1);

    // Live push: the ticket's audience now admits the expert.
    const audience = (await ticketAudience(t.services.db, ticket.id))!;
    expect(audienceAllows({ id: expertB.user.id, role: 'engineer', customerId: null, centerPath: `/${regionB}/` }, audience as never)).toBe(true);

    // Re-adding: 200, no second row, no second line, nobody told again.
    const again = await dispatcherA.post(`/api/tickets/${ticket.id}/engineers`, { userId: expertB.user.id, role: 'expert' });
    expect(again.status).toBe(200);
    expect(again.body).toHaveLength(2);
    await drain();
    expect(await t.services.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'engineers')))).toHaveLength(1);
    expect(await t.services.db.select().from(notifications).where(and(eq(notifications.ticketId, ticket.id), eq(notifications.kind, 'ticket.engineer_added')))).toHaveLength(1);

    // Removal hides the ticket again and tells them.
    const removed = await dispatcherA.delete(`/api/tickets/${ticket.id}/engineers/${expertB.user.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body.map((e: { role: string }) => e.role)).toEqual(['lead']);
    expect((await expertB.get(`/api/tickets/${ticket.id}`)).status).toBe(404);
    expect((await expertB.post(`/api/tickets/${ticket.id}/comments`, { body: '再看看', public: false })).status).toBe(404);
    await drain();
    expect((await t.services.db.select().from(notifications).where(and(eq(notifications.ticketId, ticket.id), eq(notifications.kind, 'ticket.engineer_removed')))).map((n) => n.userId)).toEqual([
      expertB.user.id,
    ]);
    const after = (await ticketAudience(t.services.db, ticket.id))!;
    expect(audienceAllows({ id: expertB.user.id, role: 'engineer', customerId: null, centerPath: `/${regionB}/` }, after as never)).toBe(false);
    // Removing someone not on the ticket changes nothing.
    expect((await dispatcherA.delete(`/api/tickets/${ticket.id}/engineers/${expertB.user.id}`)).status).toBe(200);
  });

  it('a helper of the same center: the bell asks for help; the lead cannot be added again; only engineers may be added', async () => {
    const ticket = await newTicket();
    const added = await leadA.post(`/api/tickets/${ticket.id}/engineers`, { userId: helperA.user.id, role: 'helper' });
    expect(added.status).toBe(200);
    expect(added.body.map((e: { role: string }) => e.role)).toEqual(['lead', 'helper']);
    await drain();
    const [bell] = await t.services.db.select().from(notifications).where(and(eq(notifications.ticketId, ticket.id), eq(notifications.userId, helperA.user.id), eq(notifications.kind, 'ticket.engineer_added')));
    expect(bell?.params).toMatchObject({ variant: 'helper', actor: '李主办' });

    const lead = await dispatcherA.post(`/api/tickets/${ticket.id}/engineers`, { userId: leadA.user.id, role: 'helper' });
    expect(lead.status).toBe(409);
    expect(lead.body.error.key).toBe('ticket_engineer.is_lead');
    const qa = await t.as('qa');
    const notEngineer = await dispatcherA.post(`/api/tickets/${ticket.id}/engineers`, { userId: qa.user.id, role: 'expert' });
    expect(notEngineer.status).toBe(400);
    expect(notEngineer.body.error.key).toBe('ticket_engineer.not_engineer');
  });

  it('who may manage: not a role without ticket_engineers.manage, not someone who cannot see the ticket; customers see names but no questions', async () => {
    const ticket = await newTicket();
    const qa = await t.as('qa');
    expect((await qa.post(`/api/tickets/${ticket.id}/engineers`, { userId: helperA.user.id, role: 'helper' })).status).toBe(403);
    const dispatcherB = await t.as('dispatcher', { centerId: regionB });
    expect((await dispatcherB.post(`/api/tickets/${ticket.id}/engineers`, { userId: expertB.user.id, role: 'expert' })).status).toBe(404);
    expect((await dispatcherB.get(`/api/tickets/${ticket.id}/engineers`)).status).toBe(404);

    await dispatcherA.post(`/api/tickets/${ticket.id}/engineers`, { userId: expertB.user.id, role: 'expert', note: '内部问题' });
    const customer = await t.as('customer_user', { customerId: customerA });
    const seen = await customer.get(`/api/tickets/${ticket.id}/engineers`);
    expect(seen.status).toBe(200);
    expect(seen.body[1]).toMatchObject({ role: 'expert', note: null, invitedBy: null });
    const stranger = await t.as('customer_user');
    expect((await stranger.get(`/api/tickets/${ticket.id}/engineers`)).status).toBe(404);
  });
});
