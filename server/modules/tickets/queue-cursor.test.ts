/**
 * The queue's page cursor comes back from the client: every sort pages through all tickets with
 * the cursors it hands out, and a forged one is a 400 with its key, never a 500 nor a silent page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let dispatcher: Client;
let customerId: string;

const encode = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const ID = '0b4e7f8e-3c1a-4d2b-9e6f-1a2b3c4d5e6f';
const AT = '2026-03-02T01:02:03.000Z';

beforeAll(async () => {
  t = await createTestApp();
  dispatcher = await t.as('dispatcher');
  customerId = (await t.factory.customer()).id;
  for (const severity of ['P1', 'P3', 'P2', 'P4', 'P2'] as const) await t.factory.ticket({ customerId, severity });
});
afterAll(() => t?.close());

describe('queue cursor', () => {
  it('pages through every ticket exactly once in each order', async () => {
    for (const sort of ['-reportedAt', 'reportedAt', 'severity', 'due']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await dispatcher.get(`/api/tickets?customerId=${customerId}&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status, sort).toBe(200);
        seen.push(...page.body.items.map((i: { id: string }) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.length, sort).toBe(5);
      expect(new Set(seen).size, sort).toBe(5);
    }
  });

  it('refuses forged cursors with 400 and the cursor key', async () => {
    const forged: [sort: string, cursor: string][] = [
      ['-reportedAt', 'garbage'],
      ['-reportedAt', encode('null')],
      ['-reportedAt', encode([AT, ID])],
      ['-reportedAt', encode({ r: 12, i: ID })],
      ['-reportedAt', encode({ r: '1', i: ID })],
      ['-reportedAt', encode({ r: '0000-01-01T00:00:00Z', i: ID })],
      ['reportedAt', encode({ r: '+275760-09-13T00:00:00.000Z', i: ID })],
      ['reportedAt', encode({ r: '2026-02-30T00:00:00Z', i: ID })],
      ['reportedAt', encode({ r: AT, i: '------------------------------------' })],
      ['reportedAt', encode({ r: AT, i: 42 })],
      ['reportedAt', encode({ r: AT, i: ID, extra: true })],
      ['severity', encode({ r: AT, i: ID, s: { $gt: '' } })],
      ['severity', encode({ r: AT, i: ID, s: 'P9' })],
      ['severity', encode({ r: AT, i: ID })],
      ['due', encode({ r: AT, i: ID, s: 'yesterday' })],
      ['due', encode({ r: AT, i: ID, s: ['infinity'] })],
      ['due', encode({ r: AT, i: ID, s: '10000-01-01T00:00:00Z' })],
    ];
    for (const [sort, cursor] of forged) {
      const res = await dispatcher.get(`/api/tickets?sort=${sort}&cursor=${encodeURIComponent(cursor)}`);
      const label = `${sort} ${Buffer.from(cursor, 'base64url').toString('utf8')}`;
      expect(res.status, label).toBe(400);
      expect(res.body.error.key, label).toBe('ticket.cursor_invalid');
      expect(res.body.error.details.fields, label).toEqual([{ path: 'querystring.cursor', message: 'invalid cursor', key: 'field.cursor_invalid' }]);
    }
  });

  it('refuses a cursor of one order used with another', async () => {
    const first: any = await dispatcher.get(`/api/tickets?customerId=${customerId}&sort=severity&limit=2`);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const mixed = await dispatcher.get(`/api/tickets?customerId=${customerId}&sort=reportedAt&cursor=${first.body.nextCursor}`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.key).toBe('ticket.cursor_invalid');
  });
});
