import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('system routes', () => {
  it('health names the database, the schema version and the Node.js runtime (24, from the node package)', async () => {
    const res = await t.app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      database: process.env.DATABASE_URL ? 'postgresql' : 'pglite',
      schemaVersion: expect.stringMatching(/^\d{4}_[a-z_]+$/),
      version: expect.any(String),
      nodeVersion: process.version,
    });
    expect(res.json().schemaVersion).not.toBe('0000_foundation');
    // npm puts node_modules/.bin (the `node` package's Node 24) first on the PATH of `npm test`.
    expect(res.json().nodeVersion).toMatch(/^v24\./);
  });

  it('publishes an OpenAPI 3 document generated from the route schemas, and a docs page', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    const post = doc.paths['/api/tickets'].post;
    expect(Object.keys(post.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['title', 'description', 'severity', 'channel', 'customerId', 'contactId', 'reportedAt']),
    );
    expect(post.requestBody.content['application/json'].schema.properties.severity.enum).toEqual(['P1', 'P2', 'P3', 'P4']);
    for (const path of ['/api/auth/login', '/api/me', '/api/users', '/api/customers/{id}/contacts', '/api/tickets/{id}/transitions', '/api/calendars/{id}/add-working-time', '/api/tickets/{id}/escalations']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    const docs = await t.app.inject('/api/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('answers unknown API paths with the one error shape', async () => {
    const res = await t.app.inject('/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: {
        code: 'not_found',
        key: 'request.no_route',
        message: 'No API route GET /api/nope',
        params: { method: 'GET', path: '/api/nope' },
        details: { method: 'GET', path: '/api/nope' },
      },
    });
  });
});
