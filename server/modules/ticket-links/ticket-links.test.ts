/**
 * Ticket links, merging a duplicate, parent/child tickets: the rules of modules/ticket-links on
 * the real app and database — both directions, 409s, 404 across tenants, a merge that moves
 * comments, attachments and followers and closes the duplicate (all or nothing), one-level
 * parent/child, and a parent's resolution that takes its open children along.
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let dispatcher: Client;
let engineer: Client;
let customerId: string;

// A real 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  t = await createTestApp();
  dispatcher = await t.as('dispatcher');
  engineer = await t.as('engineer');
  customerId = (await t.factory.customer({ name: '招商银行深圳分行' })).id;
});
afterAll(() => t?.close());

const ticket = (title = 'ATM 无法取款', extra: Record<string, unknown> = {}) => t.factory.ticket({ customerId, title, ...extra });
const rows = async <T = Record<string, unknown>>(query: SQL) => ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
const kinds = (events: { kind: string }[]) => events.map((e) => e.kind);
const auditOf = (ticketId: string) =>
  rows<{ action: string; after: Record<string, unknown> }>(sql`select action, after from audit_log where entity = 'ticket' and entity_id = ${ticketId} order by id`);
const domainEvents = (ticketId: string) =>
  rows<{ kind: string; payload: Record<string, unknown> }>(sql`select kind, payload from domain_events where ticket_id = ${ticketId}::uuid order by id`);

describe('links', () => {
  it('links by number and lists the link on both tickets in their own words, with timeline, audit and events', async () => {
    const a = await ticket('ATM 吞卡 A');
    const b = await ticket('ATM 吞卡 B');
    const res = await dispatcher.post(`/api/tickets/${a.id}/links`, { kind: 'duplicate_of', ticket: b.number.toLowerCase() });
    expect(res.status).toBe(201);
    expect(res.body.links).toEqual([
      expect.objectContaining({ kind: 'duplicate_of', ticket: expect.objectContaining({ id: b.id, number: b.number, status: 'new' }), createdBy: { id: dispatcher.user.id, name: expect.any(String) } }),
    ]);
    const onB = (await dispatcher.get(`/api/tickets/${b.id}/links`)).body;
    expect(onB.links).toEqual([expect.objectContaining({ kind: 'has_duplicate', ticket: expect.objectContaining({ id: a.id }) })]);

    const eventsA = (await dispatcher.get(`/api/tickets/${a.id}/events`)).body;
    expect(eventsA.at(-1)).toMatchObject({ kind: 'link', public: false, data: { action: 'added', link: 'duplicate_of', other: { id: b.id, number: b.number } } });
    const eventsB = (await dispatcher.get(`/api/tickets/${b.id}/events`)).body;
    expect(eventsB.at(-1)).toMatchObject({ kind: 'link', data: { action: 'added', link: 'has_duplicate', other: { id: a.id } } });
    expect((await auditOf(a.id)).map((r) => r.action)).toContain('link_added');
    expect((await domainEvents(b.id)).at(-1)).toMatchObject({ kind: 'ticket.linked', payload: { action: 'added', link: 'has_duplicate', other: { id: a.id } } });

    // caused_by reads "causes" from the other side; by id this time.
    const caused = await dispatcher.post(`/api/tickets/${a.id}/links`, { kind: 'caused_by', ticket: b.id });
    expect(caused.status).toBe(201);
    expect((await dispatcher.get(`/api/tickets/${b.id}/links`)).body.links.map((l: { kind: string }) => l.kind)).toEqual(['has_duplicate', 'causes']);
  });

  it('stores related once: a second related link either way is 409, and so is the reverse of a duplicate', async () => {
    const a = await ticket();
    const b = await ticket();
    expect((await dispatcher.post(`/api/tickets/${a.id}/links`, { kind: 'related', ticket: b.number })).status).toBe(201);
    const again = await dispatcher.post(`/api/tickets/${a.id}/links`, { kind: 'related', ticket: b.number });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ key: 'link.exists', params: { number: b.number } });
    const reverse = await dispatcher.post(`/api/tickets/${b.id}/links`, { kind: 'related', ticket: a.number });
    expect(reverse.status).toBe(409);
    expect(reverse.body.error.key).toBe('link.exists');
    const stored = await rows(sql`select count(*)::int as n from ticket_links where ticket_id in (${a.id}::uuid, ${b.id}::uuid)`);
    expect(stored).toEqual([{ n: 1 }]);
    // Both sides read it as related.
    expect((await dispatcher.get(`/api/tickets/${b.id}/links`)).body.links).toEqual([expect.objectContaining({ kind: 'related', ticket: expect.objectContaining({ id: a.id }) })]);

    expect((await dispatcher.post(`/api/tickets/${a.id}/links`, { kind: 'duplicate_of', ticket: b.id })).status).toBe(201);
    const reversed = await dispatcher.post(`/api/tickets/${b.id}/links`, { kind: 'duplicate_of', ticket: a.id });
    expect(reversed.status).toBe(409);
    expect(reversed.body.error).toMatchObject({ key: 'link.reversed', params: { number: a.number } });
  });

  it('refuses itself, bad references and unknown kinds with field paths', async () => {
    const a = await ticket();
    const self = await dispatcher.post(`/api/tickets/${a.id}/links`, { kind: 'related', ticket: a.number });
    expect(self.status).toBe(400);
    expect(self.body.error.key).toBe('link.self');
    const bad = await dispatcher.post(`/api/tickets/${a.id}/links`, { kind: 'related', ticket: 'FW-12' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].path).toBe('body.ticket');
    const kind = await dispatcher.post(`/api/tickets/${a.id}/links`, { kind: 'blocks', ticket: a.id });
    expect(kind.status).toBe(400);
    expect(kind.body.error.details.fields[0].path).toBe('body.kind');
    const missing = await dispatcher.post(`/api/tickets/${a.id}/links`, { kind: 'related', ticket: 'FW-2000-999999' });
    expect(missing.status).toBe(404);
  });

  it('removes a link from either ticket, recording it on both', async () => {
    const a = await ticket();
    const b = await ticket();
    const added = await dispatcher.post(`/api/tickets/${a.id}/links`, { kind: 'caused_by', ticket: b.id });
    const linkId = added.body.links[0].id;
    const gone = await dispatcher.delete(`/api/tickets/${b.id}/links/${linkId}`);
    expect(gone.status).toBe(200);
    expect(gone.body.links).toEqual([]);
    expect((await dispatcher.get(`/api/tickets/${a.id}/links`)).body.links).toEqual([]);
    expect((await dispatcher.get(`/api/tickets/${a.id}/events`)).body.at(-1)).toMatchObject({ kind: 'link', data: { action: 'removed', link: 'caused_by' } });
    expect((await dispatcher.get(`/api/tickets/${b.id}/events`)).body.at(-1)).toMatchObject({ kind: 'link', data: { action: 'removed', link: 'causes' } });
    expect((await dispatcher.delete(`/api/tickets/${b.id}/links/${linkId}`)).status).toBe(404);
    // A link id of some other ticket pair is not this ticket's.
    const c = await ticket();
    const d = await ticket();
    const other = await dispatcher.post(`/api/tickets/${c.id}/links`, { kind: 'related', ticket: d.id });
    const foreign = await dispatcher.delete(`/api/tickets/${a.id}/links/${other.body.links[0].id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.key).toBe('link.not_found');
  });

  it('never crosses tenants: another center’s ticket is 404 and its links stay hidden; customers see no links and may not link', async () => {
    const north = await t.factory.center();
    const south = await t.factory.center();
    const northEngineer = await t.as('engineer', { centerId: north.id });
    const mine = await ticket('北区', { centerId: north.id });
    const theirs = await ticket('南区', { centerId: south.id });
    const res = await northEngineer.post(`/api/tickets/${mine.id}/links`, { kind: 'related', ticket: theirs.number });
    expect(res.status).toBe(404);
    expect(res.body.error.key).toBe('ticket.not_found');
    expect((await northEngineer.post(`/api/tickets/${theirs.id}/links`, { kind: 'related', ticket: mine.number })).status).toBe(404);
    // Linked by someone who sees both: the north engineer does not learn of the south ticket.
    const link = await dispatcher.post(`/api/tickets/${mine.id}/links`, { kind: 'related', ticket: theirs.id });
    expect((await northEngineer.get(`/api/tickets/${mine.id}/links`)).body.links).toEqual([]);
    expect((await northEngineer.delete(`/api/tickets/${mine.id}/links/${link.body.links[0].id}`)).status).toBe(404);
    expect((await northEngineer.post(`/api/tickets/${mine.id}/merge`, { into: theirs.number })).status).toBe(404);
    expect((await northEngineer.put(`/api/tickets/${mine.id}/parent`, { parent: theirs.number })).status).toBe(404);

    const customer = await t.as('customer_user', { customerId });
    const seen = await customer.get(`/api/tickets/${mine.id}/links`);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({ links: [], parent: null, children: [], mergedInto: null });
    expect((await customer.post(`/api/tickets/${mine.id}/links`, { kind: 'related', ticket: theirs.id })).status).toBe(403);
    const stranger = await t.as('customer_user');
    expect((await stranger.get(`/api/tickets/${mine.id}/links`)).status).toBe(404);
  });
});

describe('merging a duplicate', () => {
  async function duplicateWithHistory() {
    const survivor = await ticket('网点 ATM 全部离线');
    const duplicate = await ticket('ATM 离线（重复报障）');
    const customer = await t.as('customer_user', { customerId });
    const watcher = await t.as('engineer');
    await watcher.put(`/api/tickets/${duplicate.id}/follow`);
    const reply = await customer.post(`/api/tickets/${duplicate.id}/comments`, { body: '柜员机屏幕黑屏', public: true });
    const note = await dispatcher.post(`/api/tickets/${duplicate.id}/comments`, { body: '与上午的报障相同', public: false });
    const file = await engineer.upload(`/api/tickets/${duplicate.id}/attachments`, { name: '现场.png', content: PNG, type: 'image/png' }, { public: 'true' });
    expect([reply.status, note.status, file.status]).toEqual([201, 201, 201]);
    return { survivor, duplicate, customer, watcher, reply: reply.body, note: note.body, file: file.body };
  }

  it('moves comments, attachments and followers to the survivor and closes the duplicate pointing to it', async () => {
    const { survivor, duplicate, customer, watcher, reply, note, file } = await duplicateWithHistory();
    const res = await dispatcher.post(`/api/tickets/${duplicate.id}/merge`, { into: survivor.number, reason: '同一网点同一故障' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      duplicate: { id: duplicate.id, status: 'closed' },
      survivor: { id: survivor.id, number: survivor.number },
      comments: 2,
      attachments: 1,
      followers: 1,
    });

    const events = (await dispatcher.get(`/api/tickets/${survivor.id}/events`)).body;
    const moved = events.filter((e: { data: { mergedFrom?: unknown } }) => e.data.mergedFrom);
    expect(moved.map((e: { id: number }) => e.id)).toEqual([reply.id, note.id, expect.any(Number)]);
    // Original author, time and visibility kept; marked with where they came from.
    expect(moved[0]).toMatchObject({ kind: 'comment', body: '柜员机屏幕黑屏', public: true, actor: { id: customer.user.id }, createdAt: reply.createdAt });
    expect(moved[0].data.mergedFrom).toEqual({ id: duplicate.id, number: duplicate.number });
    expect(moved[1]).toMatchObject({ kind: 'comment', public: false, actor: { id: dispatcher.user.id }, createdAt: note.createdAt });
    expect(moved[2]).toMatchObject({ kind: 'attachment', data: { attachmentId: file.id } });
    expect(events.at(-1)).toMatchObject({
      kind: 'merge',
      public: true,
      body: '同一网点同一故障',
      data: { side: 'survivor', other: { id: duplicate.id, number: duplicate.number }, comments: 2, attachments: 1, followers: 1 },
    });

    const files = (await dispatcher.get(`/api/tickets/${survivor.id}/attachments`)).body;
    expect(files.map((f: { id: string }) => f.id)).toContain(file.id);
    expect((await dispatcher.get(`/api/tickets/${duplicate.id}/attachments`)).body).toEqual([]);
    expect((await watcher.get(`/api/tickets/${survivor.id}`)).body.following).toBe(true);
    // The customer who reported on the duplicate follows it (portal creates follow), so they follow the survivor too.

    const dup = (await dispatcher.get(`/api/tickets/${duplicate.id}`)).body;
    expect(dup.status).toBe('closed');
    expect(dup.closedAt).not.toBeNull();
    expect(dup.allowedTransitions).toEqual([]);
    // Its SLA clocks stopped: nothing runs and nothing is due any more.
    expect(dup.sla.filter((m: { state: string }) => m.state === 'running' || m.state === 'paused')).toEqual([]);
    const [row] = (await rows(sql`select merged_into_id, next_due_at from tickets where id = ${duplicate.id}::uuid`)) as {
      merged_into_id: string;
      next_due_at: unknown;
    }[];
    expect(row).toEqual({ merged_into_id: survivor.id, next_due_at: null });

    const dupEvents = (await dispatcher.get(`/api/tickets/${duplicate.id}/events`)).body;
    expect(kinds(dupEvents)).toEqual(['created', 'status_changed', 'merge']);
    expect(dupEvents[1]).toMatchObject({ data: { from: 'new', to: 'closed', mergedInto: { id: survivor.id } } });
    const rel = (await dispatcher.get(`/api/tickets/${duplicate.id}/links`)).body;
    expect(rel.mergedInto).toMatchObject({ id: survivor.id, number: survivor.number });
    expect(rel.links).toEqual([expect.objectContaining({ kind: 'duplicate_of', ticket: expect.objectContaining({ id: survivor.id }) })]);
    // That link is the record of the merge: it stays.
    const unlink = await dispatcher.delete(`/api/tickets/${survivor.id}/links/${rel.links[0].id}`);
    expect(unlink.status).toBe(409);
    expect(unlink.body.error).toMatchObject({ key: 'link.merge_record', params: { number: survivor.number } });
    // The customer sees the banner's target too (their own organisation's ticket), and the moved public comment.
    expect((await customer.get(`/api/tickets/${duplicate.id}/links`)).body.mergedInto).toMatchObject({ number: survivor.number });
    const customerEvents = (await customer.get(`/api/tickets/${survivor.id}/events`)).body;
    expect(customerEvents.some((e: { body: string | null }) => e.body === '柜员机屏幕黑屏')).toBe(true);
    expect(customerEvents.some((e: { body: string | null }) => e.body === '与上午的报障相同')).toBe(false);

    expect((await auditOf(duplicate.id)).at(-1)).toMatchObject({ action: 'merged', after: { mergedIntoId: survivor.id, comments: 2 } });
    expect((await auditOf(survivor.id)).at(-1)).toMatchObject({ action: 'merged_from', after: { duplicateId: duplicate.id } });
    expect((await domainEvents(duplicate.id)).slice(-2).map((e) => e.kind)).toEqual(['ticket.status_changed', 'ticket.merged']);
    expect((await domainEvents(survivor.id)).at(-1)).toMatchObject({ kind: 'ticket.merged', payload: { side: 'survivor', comments: 2 } });
  });

  it('refuses what cannot be merged with keyed 409s and 400s', async () => {
    const a = await ticket();
    const b = await ticket();
    const self = await dispatcher.post(`/api/tickets/${a.id}/merge`, { into: a.number });
    expect(self.status).toBe(400);
    expect(self.body.error.key).toBe('merge.self');

    const elsewhere = await t.factory.ticket();
    const cross = await dispatcher.post(`/api/tickets/${a.id}/merge`, { into: elsewhere.number });
    expect(cross.status).toBe(409);
    expect(cross.body.error.key).toBe('merge.other_customer');

    expect((await dispatcher.post(`/api/tickets/${a.id}/merge`, { into: b.id })).status).toBe(200);
    const twice = await dispatcher.post(`/api/tickets/${a.id}/merge`, { into: b.id });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ key: 'merge.source_merged', params: { number: b.number } });
    const c = await ticket();
    const intoMerged = await dispatcher.post(`/api/tickets/${c.id}/merge`, { into: a.number });
    expect(intoMerged.status).toBe(409);
    expect(intoMerged.body.error).toMatchObject({ key: 'merge.target_merged', params: { number: a.number } });

    const cancelled = await ticket();
    await dispatcher.post(`/api/tickets/${cancelled.id}/transitions`, { to: 'cancelled' });
    const intoCancelled = await dispatcher.post(`/api/tickets/${c.id}/merge`, { into: cancelled.id });
    expect(intoCancelled.status).toBe(409);
    expect(intoCancelled.body.error).toMatchObject({ key: 'merge.target_closed', params: { status: 'cancelled' } });
    const fromCancelled = await dispatcher.post(`/api/tickets/${cancelled.id}/merge`, { into: c.id });
    expect(fromCancelled.status).toBe(409);
    expect(fromCancelled.body.error).toMatchObject({ key: 'merge.source_closed', params: { status: 'cancelled' } });

    const parent = await ticket();
    const child = await ticket();
    await dispatcher.put(`/api/tickets/${child.id}/parent`, { parent: parent.id });
    const withChildren = await dispatcher.post(`/api/tickets/${parent.id}/merge`, { into: c.id });
    expect(withChildren.status).toBe(409);
    expect(withChildren.body.error).toMatchObject({ key: 'merge.has_children', params: { count: 1 } });

    const customer = await t.as('customer_leader', { customerId });
    expect((await customer.post(`/api/tickets/${c.id}/merge`, { into: b.id })).status).toBe(403);
    const bad = await dispatcher.post(`/api/tickets/${c.id}/merge`, { into: 'somewhere' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].path).toBe('body.into');
  });

  it('is all or nothing: a failure midway writes nothing', async () => {
    const { survivor, duplicate, watcher } = await duplicateWithHistory();
    const db = t.database.db;
    const auditBefore = (await auditOf(duplicate.id)).length;
    // The last table the merge writes refuses, as a crash would after the moves.
    await db.execute(sql`create function fw_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by test'; end $$`);
    await db.execute(sql`create trigger fw_test_refuse before insert on ticket_links for each row execute function fw_test_refuse()`);
    try {
      const res = await dispatcher.post(`/api/tickets/${duplicate.id}/merge`, { into: survivor.id });
      expect(res.status).toBe(500);
    } finally {
      await db.execute(sql`drop trigger fw_test_refuse on ticket_links`);
      await db.execute(sql`drop function fw_test_refuse()`);
    }
    const dup = (await dispatcher.get(`/api/tickets/${duplicate.id}`)).body;
    expect(dup.status).toBe('new');
    expect(kinds((await dispatcher.get(`/api/tickets/${duplicate.id}/events`)).body)).toEqual(['created', 'comment', 'comment', 'attachment']);
    expect(kinds((await dispatcher.get(`/api/tickets/${survivor.id}/events`)).body)).toEqual(['created']);
    expect((await dispatcher.get(`/api/tickets/${duplicate.id}/attachments`)).body).toHaveLength(1);
    expect((await watcher.get(`/api/tickets/${survivor.id}`)).body.following).toBe(false);
    expect((await auditOf(duplicate.id)).length).toBe(auditBefore);
    // And it works once the obstacle is gone.
    expect((await dispatcher.post(`/api/tickets/${duplicate.id}/merge`, { into: survivor.id })).status).toBe(200);
  });
});

describe('parent and child tickets', () => {
  it('makes a child by number, lists children with status on the parent and the parent on the child', async () => {
    const parent = await ticket('分行全辖网点断网');
    const child = await ticket('福田网点断网');
    const res = await dispatcher.put(`/api/tickets/${child.id}/parent`, { parent: parent.number });
    expect(res.status).toBe(200);
    expect(res.body.parent).toMatchObject({ id: parent.id, number: parent.number });
    const onParent = (await dispatcher.get(`/api/tickets/${parent.id}/links`)).body;
    expect(onParent.children).toEqual([expect.objectContaining({ id: child.id, status: 'new', title: '福田网点断网' })]);
    expect((await dispatcher.get(`/api/tickets/${parent.id}/events`)).body.at(-1)).toMatchObject({ kind: 'parent', data: { side: 'parent', action: 'added', other: { id: child.id } } });
    expect((await dispatcher.get(`/api/tickets/${child.id}/events`)).body.at(-1)).toMatchObject({ kind: 'parent', data: { side: 'child', action: 'added', other: { id: parent.id } } });
    expect((await auditOf(child.id)).at(-1)).toMatchObject({ action: 'parent_set', after: { parentId: parent.id } });

    const cleared = await dispatcher.put(`/api/tickets/${child.id}/parent`, { parent: null });
    expect(cleared.body.parent).toBeNull();
    expect((await dispatcher.get(`/api/tickets/${parent.id}/links`)).body.children).toEqual([]);
    expect((await dispatcher.get(`/api/tickets/${parent.id}/events`)).body.at(-1)).toMatchObject({ kind: 'parent', data: { action: 'removed' } });
  });

  it('refuses cycles and depth beyond one, other customers and closed parents', async () => {
    const parent = await ticket();
    const child = await ticket();
    const other = await ticket();
    await dispatcher.put(`/api/tickets/${child.id}/parent`, { parent: parent.id });

    const self = await dispatcher.put(`/api/tickets/${parent.id}/parent`, { parent: parent.id });
    expect(self.status).toBe(400);
    expect(self.body.error.key).toBe('parent.self');
    // The parent under its own child: a cycle, refused because the child is a child.
    const cycle = await dispatcher.put(`/api/tickets/${parent.id}/parent`, { parent: child.id });
    expect(cycle.status).toBe(409);
    expect(cycle.body.error).toMatchObject({ key: 'parent.is_child', params: { number: child.number } });
    const grandchild = await dispatcher.put(`/api/tickets/${other.id}/parent`, { parent: child.number });
    expect(grandchild.status).toBe(409);
    expect(grandchild.body.error.key).toBe('parent.is_child');
    const parentAsChild = await dispatcher.put(`/api/tickets/${parent.id}/parent`, { parent: other.id });
    expect(parentAsChild.status).toBe(409);
    expect(parentAsChild.body.error).toMatchObject({ key: 'parent.has_children', params: { count: 1 } });

    const foreign = await t.factory.ticket();
    const cross = await dispatcher.put(`/api/tickets/${foreign.id}/parent`, { parent: parent.id });
    expect(cross.status).toBe(409);
    expect(cross.body.error.key).toBe('parent.other_customer');

    const done = await ticket();
    await dispatcher.post(`/api/tickets/${done.id}/transitions`, { to: 'cancelled' });
    const closed = await dispatcher.put(`/api/tickets/${other.id}/parent`, { parent: done.id });
    expect(closed.status).toBe(409);
    expect(closed.body.error).toMatchObject({ key: 'parent.closed', params: { status: 'cancelled' } });
    expect((await dispatcher.get(`/api/tickets/${other.id}/links`)).body.parent).toBeNull();
  });

  it('lets only one of two crosswise requests through (A under B and B under A at once)', async () => {
    const a = await ticket();
    const b = await ticket();
    const results = await Promise.all([
      dispatcher.put(`/api/tickets/${a.id}/parent`, { parent: b.id }),
      dispatcher.put(`/api/tickets/${b.id}/parent`, { parent: a.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const parents = await rows<{ n: number }>(sql`select count(*)::int as n from tickets where id in (${a.id}::uuid, ${b.id}::uuid) and parent_id is not null`);
    expect(parents).toEqual([{ n: 1 }]);
  });

  it('moves a child from one parent to another, telling both parents', async () => {
    const first = await ticket();
    const second = await ticket();
    const child = await ticket();
    await dispatcher.put(`/api/tickets/${child.id}/parent`, { parent: first.id });
    const res = await dispatcher.put(`/api/tickets/${child.id}/parent`, { parent: second.id });
    expect(res.body.parent.id).toBe(second.id);
    expect((await dispatcher.get(`/api/tickets/${first.id}/events`)).body.at(-1)).toMatchObject({ kind: 'parent', data: { action: 'removed' } });
    expect((await dispatcher.get(`/api/tickets/${second.id}/events`)).body.at(-1)).toMatchObject({ kind: 'parent', data: { action: 'added' } });
  });

  it('creates a child directly from the parent (parentId on create), checked like any parent', async () => {
    const parent = await ticket('总行数据中心故障');
    const res = await dispatcher.post('/api/tickets', { title: '南山网点受影响', severity: 'P2', channel: 'phone', customerId, parentId: parent.id });
    expect(res.status).toBe(201);
    expect((await dispatcher.get(`/api/tickets/${parent.id}/links`)).body.children).toEqual([expect.objectContaining({ id: res.body.id })]);
    expect(kinds((await dispatcher.get(`/api/tickets/${res.body.id}/events`)).body)).toEqual(['created', 'parent']);

    const before = (await rows(sql`select count(*)::int as n from tickets`))[0];
    const grandchild = await dispatcher.post('/api/tickets', { title: '孙工单', severity: 'P3', channel: 'phone', customerId, parentId: res.body.id });
    expect(grandchild.status).toBe(409);
    expect(grandchild.body.error.key).toBe('parent.is_child');
    const unknown = await dispatcher.post('/api/tickets', { title: '无父', severity: 'P3', channel: 'phone', customerId, parentId: customerId });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields[0].path).toBe('parentId');
    const customer = await t.as('customer_user', { customerId });
    expect((await customer.post('/api/tickets', { title: '门户', severity: 'P3', channel: 'portal', parentId: parent.id })).status).toBe(403);
    // Nothing half-created.
    expect((await rows(sql`select count(*)::int as n from tickets`))[0]).toEqual(before);
  });

  it('resolves the open children with the parent when asked, with the same note, reporting each child', async () => {
    const parent = await ticket('城域网中断');
    const fresh = await ticket('网点一');
    const working = await ticket('网点二');
    const withdrawn = await ticket('网点三');
    const untouched = await ticket('网点四');
    for (const c of [fresh, working, withdrawn]) await dispatcher.put(`/api/tickets/${c.id}/parent`, { parent: parent.id });
    await dispatcher.patch(`/api/tickets/${working.id}`, { assigneeId: engineer.user.id });
    await engineer.post(`/api/tickets/${working.id}/transitions`, { to: 'in_progress' });
    await dispatcher.post(`/api/tickets/${withdrawn.id}/transitions`, { to: 'cancelled' });
    await dispatcher.patch(`/api/tickets/${parent.id}`, { assigneeId: engineer.user.id });
    await engineer.post(`/api/tickets/${parent.id}/transitions`, { to: 'in_progress' });

    const res = await engineer.post(`/api/tickets/${parent.id}/transitions`, { to: 'resolved', note: '运营商光缆已修复', resolveChildren: true });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('resolved');
    const results = Object.fromEntries(res.body.childResults.map((r: { id: string; result: string; status: string }) => [r.id, [r.result, r.status]]));
    expect(results).toEqual({
      [fresh.id]: ['resolved', 'resolved'],
      [working.id]: ['resolved', 'resolved'],
      [withdrawn.id]: ['already_done', 'cancelled'],
    });
    for (const c of [fresh, working]) {
      const child = (await engineer.get(`/api/tickets/${c.id}`)).body;
      expect(child.status).toBe('resolved');
      expect(child.resolvedAt).not.toBeNull();
      expect((await engineer.get(`/api/tickets/${c.id}/events`)).body.at(-1)).toMatchObject({ kind: 'status_changed', body: '运营商光缆已修复', data: { to: 'resolved' } });
    }
    expect((await engineer.get(`/api/tickets/${untouched.id}`)).body.status).toBe('new');
    expect((await engineer.get(`/api/tickets/${parent.id}/events`)).body.at(-1)).toMatchObject({ kind: 'parent', data: { action: 'resolved' } });
    expect((await domainEvents(fresh.id)).at(-1)).toMatchObject({ kind: 'ticket.status_changed', payload: { to: 'resolved' } });
  });

  it('without resolveChildren the children stay as they are, and a failing child undoes the parent too', async () => {
    const parent = await ticket();
    const child = await ticket();
    await dispatcher.put(`/api/tickets/${child.id}/parent`, { parent: parent.id });
    await dispatcher.patch(`/api/tickets/${parent.id}`, { assigneeId: engineer.user.id });
    await engineer.post(`/api/tickets/${parent.id}/transitions`, { to: 'in_progress' });
    const plain = await engineer.post(`/api/tickets/${parent.id}/transitions`, { to: 'resolved' });
    expect(plain.body.childResults).toBeUndefined();
    expect((await engineer.get(`/api/tickets/${child.id}`)).body.status).toBe('new');

    // Reopen, then make the child's write fail: the parent's resolution rolls back with it.
    await engineer.post(`/api/tickets/${parent.id}/transitions`, { to: 'in_progress' });
    const db = t.database.db;
    await db.execute(sql`create function fw_test_refuse_child() returns trigger language plpgsql as $$ begin if new.id = ${sql.raw(`'${child.id}'`)}::uuid and new.status = 'resolved' then raise exception 'refused by test'; end if; return new; end $$`);
    await db.execute(sql`create trigger fw_test_refuse_child before update on tickets for each row execute function fw_test_refuse_child()`);
    try {
      const res = await engineer.post(`/api/tickets/${parent.id}/transitions`, { to: 'resolved', resolveChildren: true });
      expect(res.status).toBe(500);
    } finally {
      await db.execute(sql`drop trigger fw_test_refuse_child on tickets`);
      await db.execute(sql`drop function fw_test_refuse_child()`);
    }
    expect((await engineer.get(`/api/tickets/${parent.id}`)).body.status).toBe('in_progress');
    expect((await engineer.get(`/api/tickets/${child.id}`)).body.status).toBe('new');
  });
});
