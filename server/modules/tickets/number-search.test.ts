/**
 * Searching the queue for a ticket number (issue 9): a whole number, however typed, is one
 * equality on the unique index tickets_number_key, never the text index; scoping still applies.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketListQuery } from '../../../common/api';
import { ticketNumberInSearch } from '../../domain/ticket-number';
import type { Actor } from '../../platform/actor';
import { createTestApp, type Client, type TestApp } from '../../test/harness';
import { ticketListQuery } from './repository';

let t: TestApp;
let dispatcher: Client;
let regionA: string;
let regionB: string;
let customerA: string;
let customerB: string;

beforeAll(async () => {
  t = await createTestApp();
  regionA = (await t.factory.center()).id;
  regionB = (await t.factory.center()).id;
  customerA = (await t.factory.customer({ centerId: regionA })).id;
  customerB = (await t.factory.customer({ centerId: regionB })).id;
  dispatcher = await t.as('dispatcher');
});
afterAll(() => t?.close());

const create = async (customerId: string, title: string) => {
  const res = await dispatcher.post('/api/tickets', { title, description: title, severity: 'P3', channel: 'phone', customerId, centerId: customerId === customerA ? regionA : regionB });
  expect(res.status).toBe(201);
  return res.body as { id: string; number: string };
};
const numbersFound = async (who: Client, q: string) => {
  const res = await who.get(`/api/tickets?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  return res.body.items.map((x: { number: string }) => x.number);
};
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('ticketNumberInSearch', () => {
  it('reads whole numbers however typed, and nothing else', () => {
    const n = 'FW-2026-000123';
    for (const typed of [n, 'fw-2026-000123', ' FW - 2026 - 000123 ', '2026-000123', 'FW2026000123', fullWidth(n), 'FW–2026—000123', 'ＦＷ－２０２６－０００１２３']) {
      expect(ticketNumberInSearch(typed), typed).toBe(n);
    }
    expect(ticketNumberInSearch('FW-2026-1234567')).toBe('FW-2026-1234567'); // past 999,999 the tail grows
    for (const typed of ['000123', 'FW-2026-0001', 'FW-26-000123', '读卡器故障 12', 'FW-2026-000123 吞卡', '']) {
      expect(ticketNumberInSearch(typed), typed).toBeNull();
    }
  });
});

describe('searching the queue by ticket number', () => {
  it('finds the ticket by its number in any spelling, and only it', async () => {
    const a = await create(customerA, '网银登录缓慢');
    // A title that mentions the number: a number search is a lookup, not a text search.
    await create(customerA, `关联 ${a.number}`);
    for (const q of [a.number, a.number.toLowerCase(), a.number.split('').join(' '), a.number.slice(3), fullWidth(a.number)]) {
      expect(await numbersFound(dispatcher, q), q).toEqual([a.number]);
    }
    expect(await numbersFound(dispatcher, 'FW-2099-999999')).toEqual([]);
  });

  it('keeps scoping: a number outside the reader’s scope finds nothing', async () => {
    const inA = await create(customerA, '打印机卡纸');
    const inB = await create(customerB, '打印机卡纸');
    const staffA = await t.as('engineer', { centerId: regionA });
    const userA = await t.as('customer_user', { customerId: customerA });
    expect(await numbersFound(staffA, inA.number)).toEqual([inA.number]);
    expect(await numbersFound(staffA, inB.number)).toEqual([]);
    expect(await numbersFound(userA, inA.number.toLowerCase())).toEqual([inA.number]);
    expect(await numbersFound(userA, inB.number)).toEqual([]);
    // Other filters still apply to a number search.
    expect((await dispatcher.get(`/api/tickets?q=${inA.number}&status=closed`)).body.items).toEqual([]);
  });

  it('asks the unique number index, not the text index (EXPLAIN)', async () => {
    const a = await create(customerA, '监控中断');
    const actor: Actor = { id: '00000000-0000-4000-8000-00000000000a', username: 'd', name: 'd', role: 'dispatcher', customerId: null, centerId: null, centerPath: null };
    const plan = async (q: string) => {
      // A test table is tiny, so the planner would rather scan it; without that choice the plan shows which index the query can use.
      return t.database.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const result = (await tx.execute(sql`explain ${ticketListQuery(tx, actor, TicketListQuery.parse({ q }))}`)) as unknown as {
          rows: Array<Record<string, string>>;
        };
        return result.rows.map((r) => Object.values(r)[0]).join('\n');
      });
    };
    const byNumber = await plan(a.number.toLowerCase());
    expect(byNumber).toContain('tickets_number_key');
    expect(byNumber).not.toContain('tickets_search_idx');
    expect(await plan('监控中断')).toContain('tickets_search_idx');
  });
});
