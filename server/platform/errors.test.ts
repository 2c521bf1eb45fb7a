/**
 * Errors people can read: every key the server can answer with has a zh-CN and an English text,
 * error bodies carry key and params, field errors carry keys. Plus the response hardening that
 * shares this layer: Origin checks, security headers, the general API rate limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_KEYS, FIELD_KEYS } from '../../common/api/errors';
import { en } from '../../web/src/i18n/en';
import { zhCN } from '../../web/src/i18n/zh-CN';
import { createTestApp, type Client, type TestApp } from '../test/harness';

/** The text at a dotted path of a translation table, or undefined. */
function lookup(table: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), table);
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('translation tables', () => {
  const tables = { 'zh-CN': zhCN, en } as const;
  const paths = [
    ...Object.keys(ERROR_KEYS).map((key) => `errors.server.${key}`),
    ...FIELD_KEYS.map((key) => `errors.${key}`),
    ...ERROR_CODES.map((code) => `errors.code.${code}`),
  ];

  it('have a text for every error key, field key and code the server uses', () => {
    const missing: string[] = [];
    for (const [language, table] of Object.entries(tables)) {
      for (const path of paths) {
        const text = lookup(table, path);
        if (typeof text !== 'string' || !text.trim()) missing.push(`${language}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('write Chinese in zh-CN, and both languages use the same placeholders', () => {
    for (const path of paths) {
      const zh = lookup(zhCN, path) as string;
      expect(zh, path).toMatch(/[\u4e00-\u9fff]/);
      expect(placeholders(zh), path).toEqual(placeholders(lookup(en, path) as string));
    }
  });
});

describe('error bodies', () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.as('admin');
  }, 60_000);
  afterAll(() => t?.close());

  it('carry the key, its params and the English message', async () => {
    const res = await admin.post('/api/users', { username: admin.user.username, password: 'password-123', name: 'x', role: 'engineer' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'conflict',
      key: 'user.username_taken',
      params: { username: admin.user.username },
      message: `The username "${admin.user.username}" is taken`,
    });
    expect(res.body.error.details.fields).toEqual([{ path: 'username', message: 'taken', key: 'field.taken' }]);
  });

  it('give every schema validation issue a field key from its zod code, with its limits', async () => {
    const res = await admin.post('/api/customers', { name: '', region: 'x'.repeat(500) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation', key: 'request.validation' });
    const byPath = Object.fromEntries(res.body.error.details.fields.map((f: { path: string }) => [f.path, f]));
    expect(byPath['body.name']).toMatchObject({ key: 'field.required' });
    expect(byPath['body.region']).toMatchObject({ key: 'field.too_big', params: { maximum: expect.any(Number) } });
    const missing = await admin.post('/api/tickets', {});
    expect(missing.body.error.details.fields.find((f: { path: string }) => f.path === 'body.title')).toMatchObject({ key: 'field.required' });
  });

  it('name a service field error by key', async () => {
    const res = await admin.post('/api/users', { username: `u${Date.now()}`, password: 'password-123', name: 'x', role: 'customer_user' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ key: 'validation.field', params: { path: 'customerId' } });
    expect(res.body.error.details.fields[0]).toMatchObject({ path: 'customerId', key: 'field.role_needs_customer', params: { role: 'customer_user' } });
  });

  it('answer unknown API routes, bad JSON and not-found records with keys', async () => {
    const route = await admin.get('/api/no-such-thing');
    expect(route.status).toBe(404);
    expect(route.body.error).toMatchObject({ code: 'not_found', key: 'request.no_route' });
    const record = await admin.get('/api/customers/00000000-0000-4000-8000-000000000000');
    expect(record.body.error).toMatchObject({ code: 'not_found', key: 'customer.not_found' });
    const json = await t.app.inject({ method: 'POST', url: '/api/customers', headers: { cookie: admin.cookie!, 'content-type': 'application/json' }, payload: '{' });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.key).toBe('request.invalid_json');
  });

  it('refuses a write with Origin: null or a foreign or malformed Origin with 403, never 500', async () => {
    for (const origin of ['null', 'https://evil.example', 'not a url']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/customers',
        headers: { cookie: admin.cookie!, origin },
        payload: { name: `客户${Math.random()}` },
      });
      expect(res.statusCode, origin).toBe(403);
      expect(res.json().error.key, origin).toBe('auth.cross_site');
    }
    const sameSite = await t.app.inject({
      method: 'POST',
      url: '/api/customers',
      headers: { cookie: admin.cookie!, origin: 'http://desk.example:3000', host: 'desk.example:3000' },
      payload: { name: `客户${Math.random()}` },
    });
    expect(sameSite.statusCode).toBe(201);
  });

  it('sends security headers on API answers, and attachments keep their own sandbox', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');

    const ticket = await t.factory.ticket();
    const upload = await admin.upload(`/api/tickets/${ticket.id}/attachments`, { name: 'log.txt', content: 'ERROR card reader' });
    expect(upload.status).toBe(201);
    const download = await t.app.inject({ method: 'GET', url: `/api/attachments/${upload.body.id}`, headers: { cookie: admin.cookie! } });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
  });
});

describe('general API rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { apiRateLimitPerMinute: 3 } });
  }, 60_000);
  afterAll(() => t?.close());

  it('answers 429 with Retry-After and a key once a client exceeds its requests per minute; others are unaffected', async () => {
    const client = await t.as('engineer'); // the login itself counts for the address, not this session
    for (let i = 0; i < 3; i++) expect((await client.get('/api/me')).status).toBe(200);
    const over = await client.get('/api/me');
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'rate_limited', key: 'request.rate_limited' });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(over.body.error.params.retryAfterSeconds).toBeGreaterThan(0);
    const other = await t.as('engineer');
    expect((await other.get('/api/me')).status).toBe(200);
  });
});
