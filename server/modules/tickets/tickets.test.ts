import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let dispatcher: Client;
let customerId: string;

beforeAll(async () => {
  t = await createTestApp();
  dispatcher = await t.as('dispatcher');
  customerId = (await t.factory.customer({ name: '华夏银行北京分行' })).id;
});
afterAll(() => t?.close());

describe('tickets', () => {
  it('creates a ticket with a number and an event', async () => {
    const res = await dispatcher.post('/api/tickets', {
      title: 'ATM 吞卡',
      description: '客户来电：ATM 吞卡',
      severity: 'P2',
      channel: 'phone',
      customerId,
    });
    expect(res.status).toBe(201);
    expect(res.body.number).toMatch(/^FW-\d{4}-\d{6}$/);
    expect(res.body.status).toBe('new');
    expect(res.body.customer).toEqual({ id: customerId, name: '华夏银行北京分行' });
    const events = await dispatcher.get(`/api/tickets/${res.body.id}/events`);
    expect(events.body.map((e: { kind: string }) => e.kind)).toEqual(['created']);
  });
});
