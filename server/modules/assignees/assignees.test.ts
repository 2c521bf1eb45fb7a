import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../../db/schema';
import { createAssigneeService } from './service';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let dispatcher: Client;
const ids: Record<string, string> = {};
let centerA: string;
let centerB: string;
let ticketId: string;

type Candidate = { id: string; name: string; center: { id: string; name: string } | null; openTickets: number; sameCenter: boolean; current: boolean; engineerLevel: string | null; skills: string[] };

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.factory.actor();
  centerA = (await t.factory.center()).id;
  const centerA1 = (await t.factory.center({ parentId: centerA, level: 'provincial' })).id;
  centerB = (await t.factory.center()).id;
  const person = async (key: string, name: string, role: 'engineer' | 'dispatcher' | 'qa' | 'manager', centerId?: string) => {
    ids[key] = (await t.factory.user({ role, name, centerId })).id;
  };
  await person('zhangsan', '张三', 'engineer', centerA);
  await person('shan', '单田芳', 'engineer', centerA1);
  await person('lisi', '李四', 'engineer', centerB);
  await person('wangwu', '王五', 'dispatcher', centerA);
  await person('qa', '赵六', 'qa', centerA);
  await person('zhangfei', '张飞', 'engineer', centerA);
  await t.services.users.update(admin, ids.zhangsan!, { engineerLevel: 'senior', skills: ['网络', '数据库'] });
  await t.services.users.update(admin, ids.zhangfei!, { active: false });
  dispatcher = await t.as('dispatcher', { centerId: centerA });

  ticketId = (await t.factory.ticket({ centerId: centerA })).id;
  // Open work: 李四 two, 张三 one (plus a closed one that does not count).
  await t.factory.ticket({ centerId: centerA, assigneeId: ids.lisi });
  await t.factory.ticket({ centerId: centerB, assigneeId: ids.lisi });
  await t.factory.ticket({ centerId: centerA, assigneeId: ids.zhangsan });
  const closed = await t.factory.ticket({ centerId: centerA, assigneeId: ids.zhangsan });
  await t.services.db.update(tickets).set({ status: 'closed' }).where(eq(tickets.id, closed.id));
});
afterAll(() => t?.close());

const list = async (client: Client, q = '', extra = '') =>
  client.get<{ items: Candidate[]; total: number }>(`/api/tickets/${ticketId}/assignees?q=${encodeURIComponent(q)}${extra}`);
const names = (items: Candidate[]) => items.map((c) => c.name);

describe('assignee picker', () => {
  it('lists assignable active staff with center, level, skills and open-ticket counts, the ticket’s center first', async () => {
    const res = await list(dispatcher);
    expect(res.status).toBe(200);
    const { items } = res.body;
    // Neither QA, nor disabled people, nor customers.
    expect(names(items)).not.toContain('赵六');
    expect(names(items)).not.toContain('张飞');
    const zhang = items.find((c) => c.name === '张三')!;
    expect(zhang).toMatchObject({ center: { id: centerA }, engineerLevel: 'senior', skills: ['网络', '数据库'], openTickets: 1, sameCenter: true, current: false });
    expect(items.find((c) => c.name === '李四')).toMatchObject({ openTickets: 2, sameCenter: false, center: { id: centerB } });
    // Center A first (least loaded first: 王五 0, then 张三 1), then its subtree (单田芳), then the rest.
    const order = names(items);
    expect(order.indexOf('王五')).toBeLessThan(order.indexOf('张三'));
    expect(order.indexOf('张三')).toBeLessThan(order.indexOf('单田芳'));
    expect(order.indexOf('单田芳')).toBeLessThan(order.indexOf('李四'));
    expect(res.body.total).toBe(items.length);
  });

  it('finds people by pinyin initials, full pinyin, surname readings, Chinese and username', async () => {
    expect(names((await list(dispatcher, 'zs')).body.items)).toEqual(['张三']);
    expect(names((await list(dispatcher, 'zhangsan')).body.items)).toEqual(['张三']);
    expect(names((await list(dispatcher, 'Zhang San')).body.items)).toEqual(['张三']);
    // 单 as a surname is "shan"; the ordinary reading "dan" still works.
    expect(names((await list(dispatcher, 'stf')).body.items)).toEqual(['单田芳']);
    expect(names((await list(dispatcher, 'shantian')).body.items)).toEqual(['单田芳']);
    expect(names((await list(dispatcher, 'dtf')).body.items)).toEqual(['单田芳']);
    // 张 finds 张三 but not the disabled 张飞.
    expect(names((await list(dispatcher, '张')).body.items)).toEqual(['张三']);
    expect(names((await list(dispatcher, 'ls')).body.items)).toEqual(['李四']);
    const [own] = (await list(dispatcher, dispatcher.user.username)).body.items;
    expect(own?.id).toBe(dispatcher.user.id);
    expect((await list(dispatcher, 'qqqq')).body).toEqual({ items: [], total: 0 });
  });

  it('counts the same whether through the index rows of a few people or one pass over the open tickets', async () => {
    const viaApi = (await list(dispatcher)).body.items.map((c) => [c.id, c.openTickets]);
    const actor = { id: dispatcher.user.id, username: dispatcher.user.username, name: 'x', role: 'dispatcher' as const, customerId: null, centerId: centerA, centerPath: null };
    const onePass = await createAssigneeService({ db: t.services.db, probeLimit: 0 }).list(actor, ticketId, { limit: 50 });
    expect(onePass.items.map((c) => [c.id, c.openTickets])).toEqual(viaApi);
    expect(viaApi.some(([, n]) => n === 2)).toBe(true);
  });

  it('returns a bounded list with the total, and refuses bad limits', async () => {
    const res = await list(dispatcher, '', '&limit=2');
    expect(res.body.items).toHaveLength(2);
    expect(res.body.total).toBeGreaterThan(2);
    expect((await list(dispatcher, '', '&limit=0')).status).toBe(400);
    expect((await list(dispatcher, '', '&limit=51')).status).toBe(400);
  });

  it('marks the current assignee', async () => {
    const own = await t.factory.ticket({ centerId: centerA, assigneeId: ids.wangwu });
    const res = await dispatcher.get<{ items: Candidate[] }>(`/api/tickets/${own.id}/assignees?q=ww`);
    expect(res.body.items).toEqual([expect.objectContaining({ name: '王五', current: true })]);
  });

  it('follows the assign route’s scope: 404 for tickets one cannot see, only oneself where one may not hand a ticket on, 403 for customers', async () => {
    const outsider = await t.as('engineer', { centerId: centerB });
    expect((await list(outsider)).status).toBe(404);
    // A ticket of center A assigned to the outsider: visible to them, but handing it to anyone else would leave their scope.
    const theirs = await t.factory.ticket({ centerId: centerA, assigneeId: outsider.user.id });
    const res = await outsider.get<{ items: Candidate[] }>(`/api/tickets/${theirs.id}/assignees`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((c) => c.id)).toEqual([outsider.user.id]);
    const customer = await t.as('customer_user');
    expect((await customer.get(`/api/tickets/${ticketId}/assignees`)).status).toBe(403);
    expect((await dispatcher.get('/api/tickets/00000000-0000-4000-8000-000000000000/assignees')).status).toBe(404);
  });
});
