/**
 * Bad input and forged headers never get a 500 or a lie into the logs: the client address comes
 * only from the configured proxy hops, HSTS follows secure cookies, NUL bytes are a 400 naming
 * the field (checked before any handler, and PostgreSQL's 22021 mapped as a safety net).
 */
import { desc, eq } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, loginAttempts } from '../db/schema';
import { DEFAULT_LOGIN_LIMITS } from '../modules/auth/service';
import { createTestApp, PASSWORD, type Client, type TestApp } from '../test/harness';
import { loadConfig, parseTrustProxy, trustProxyOption } from './config';
import { findNulByte, toErrorResponse } from './http';

describe('FUWUTAI_TRUST_PROXY', () => {
  it('is a hop count or a list of proxy addresses/CIDRs, never "trust everyone"', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1,loopback')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'loopback']);
    expect(() => parseTrustProxy('true')).toThrow(/hop count/);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/FUWUTAI_TRUST_PROXY/);
    expect(() => parseTrustProxy('proxy.example.com')).toThrow(/FUWUTAI_TRUST_PROXY/);
    expect(loadConfig({ FUWUTAI_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({}).trustProxy).toBe(false);
  });

  it('gives Fastify the rule: hops from the socket, or the proxies to skip from the right', async () => {
    const ipWith = async (setting: string) => {
      const app = Fastify({ trustProxy: trustProxyOption(parseTrustProxy(setting)) });
      app.get('/ip', async (request) => request.ip);
      const res = await app.inject({ url: '/ip', headers: { 'x-forwarded-for': '6.6.6.6, 10.0.0.1' } });
      await app.close();
      return res.body;
    };
    expect(await ipWith('')).toBe('127.0.0.1');
    expect(await ipWith('1')).toBe('10.0.0.1');
    expect(await ipWith('2')).toBe('6.6.6.6');
    expect(await ipWith('127.0.0.1')).toBe('10.0.0.1');
    expect(await ipWith('loopback, 10.0.0.0/8')).toBe('6.6.6.6');
  });

  describe('with one proxy hop', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({
        config: { trustProxy: 1 },
        deps: { loginLimits: { ...DEFAULT_LOGIN_LIMITS, maxFailuresPerAddress: 3 } },
      });
    });
    afterAll(() => t?.close());

    // inject's socket is 127.0.0.1: that is the one proxy; the address it appended (right-most) is
    // the client; whatever the client wrote to the left of it is not believed.
    const login = (username: string, password: string, forged: string, client = '10.0.0.1') =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-for': `${forged}, ${client}` },
        payload: { username, password },
      });

    it('takes the address the proxy saw, not the forged left-most one, for the login limit and its records', async () => {
      const victims = await Promise.all([1, 2, 3].map(() => t.factory.user({ role: 'engineer' })));
      for (const [n, victim] of victims.entries()) {
        expect((await login(victim.username, 'wrong-password', `6.6.6.${n}`)).statusCode).toBe(401);
      }
      const attempts = await t.services.db.select({ ip: loginAttempts.ip }).from(loginAttempts);
      expect(attempts.map((a) => a.ip)).toEqual(['10.0.0.1', '10.0.0.1', '10.0.0.1']);
      // A fresh forged address each time does not reset the per-address limit.
      const other = await t.factory.user({ role: 'engineer' });
      const refused = await login(other.username, PASSWORD, '6.6.6.99');
      expect(refused.statusCode).toBe(429);
      expect(JSON.parse(refused.body).error.key).toBe('auth.too_many_failures');
    });

    it('writes the real client address into the audit log', async () => {
      const user = await t.factory.user({ role: 'engineer' });
      const res = await login(user.username, PASSWORD, '6.6.6.6', '10.0.0.2');
      expect(res.statusCode).toBe(200);
      const [row] = await t.services.db
        .select({ ip: auditLog.ip })
        .from(auditLog)
        .where(eq(auditLog.actorId, user.id))
        .orderBy(desc(auditLog.id))
        .limit(1);
      expect(row?.ip).toBe('10.0.0.2');
    });
  });
});

describe('Strict-Transport-Security', () => {
  it('is sent when cookies are secure (HTTPS), and not otherwise', async () => {
    const secure = await createTestApp({ config: { secureCookies: true } });
    const plain = await createTestApp({ config: { secureCookies: false } });
    try {
      const onHttps = await secure.app.inject({ url: '/api/health' });
      expect(onHttps.headers['strict-transport-security']).toBe('max-age=31536000');
      const onHttp = await plain.app.inject({ url: '/api/health' });
      expect(onHttp.statusCode).toBe(200);
      expect(onHttp.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await secure.close();
      await plain.close();
    }
  });
});

describe('NUL bytes', () => {
  let t: TestApp;
  let dispatcher: Client;
  let ticketId: string;
  beforeAll(async () => {
    t = await createTestApp();
    dispatcher = await t.as('dispatcher');
    ticketId = (await t.factory.ticket()).id;
  });
  afterAll(() => t?.close());

  const expectNul = (res: { status: number; body: any }, path: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toMatchObject({ key: 'input.nul_byte', params: { path } });
    expect(res.body.error.details.fields).toEqual([{ path, message: 'contains a NUL byte', key: 'field.nul_byte' }]);
  };

  it('in the query string, a JSON body or nested values is a 400 naming the field', async () => {
    expectNul(await dispatcher.get('/api/tickets?q=a%00b'), 'querystring.q');
    expectNul(await dispatcher.get('/api/customers?q=%00'), 'querystring.q');
    expectNul(await dispatcher.patch(`/api/tickets/${ticketId}`, { title: 'ok', description: 'bad\u0000text' }), 'body.description');
    expectNul(await dispatcher.post(`/api/tickets/${ticketId}/comments`, { body: '\u0000', public: true }), 'body.body');
    expectNul(await dispatcher.post('/api/customers', { name: '客户\u0000' }), 'body.name');
    const customer = await t.factory.customer();
    expectNul(await dispatcher.post(`/api/customers/${customer.id}/contacts`, { name: '张工', phones: ['13800000000', '1\u00002'] }), 'body.phones.1');
    // Nothing was written.
    expect((await dispatcher.get(`/api/tickets/${ticketId}`)).body.description).not.toContain('\u0000');
  });

  it('finds the first NUL anywhere, iteratively', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findNulByte(deep, 'body')).toMatch(/^body(\.0)+$/);
    expect(findNulByte({ a: 1, b: [true, null, { c: 'fine' }] }, 'body')).toBeNull();
    expect(findNulByte({ 'k\u0000': 1 }, 'body')).toBe('body.k\\0');
  });

  it('that reach PostgreSQL anyway (22021) are a 400, not a 500', () => {
    const driverError = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    const wrapped = Object.assign(new Error('Failed query'), { cause: driverError });
    expect(toErrorResponse(wrapped)).toMatchObject({ status: 400, key: 'request.invalid_value' });
  });
});
