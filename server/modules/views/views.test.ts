import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let engineer: Client;
let colleague: Client;
let manager: Client;
let admin: Client;

beforeAll(async () => {
  t = await createTestApp();
  [engineer, colleague, manager, admin] = await Promise.all([t.as('engineer'), t.as('engineer'), t.as('manager'), t.as('admin')]);
});
afterAll(() => t?.close());

const view = (extra: Record<string, unknown> = {}) => ({
  name: 'P1 待处理',
  query: { severity: ['P1'], open: true, sort: 'due' },
  columns: [
    { key: 'number', width: 150 },
    { key: 'title' },
    { key: 'sla', width: 200 },
  ],
  ...extra,
});

describe('saved views', () => {
  it('creates, lists, renames and deletes a personal view', async () => {
    const created = await engineer.post('/api/views', view());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'P1 待处理',
      shared: false,
      editable: true,
      owner: { id: engineer.user.id },
      query: { severity: ['P1'], open: true, sort: 'due' },
      columns: [{ key: 'number', width: 150 }, { key: 'title' }, { key: 'sla', width: 200 }],
    });
    const id = created.body.id;
    expect((await engineer.get('/api/views')).body.map((v: { id: string }) => v.id)).toContain(id);

    const renamed = await engineer.patch(`/api/views/${id}`, { name: '紧急', columns: [{ key: 'title' }] });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '紧急', query: { severity: ['P1'], open: true, sort: 'due' }, columns: [{ key: 'title' }] });
    // An empty patch changes nothing.
    expect((await engineer.patch(`/api/views/${id}`, {})).body).toMatchObject({ name: '紧急', columns: [{ key: 'title' }] });

    expect((await engineer.delete(`/api/views/${id}`)).status).toBe(204);
    expect((await engineer.get('/api/views')).body.map((v: { id: string }) => v.id)).not.toContain(id);
    expect((await engineer.delete(`/api/views/${id}`)).status).toBe(404);
  });

  it('keeps names unique per person whatever their case (409), not across people', async () => {
    expect((await engineer.post('/api/views', view({ name: 'Mine Today' }))).status).toBe(201);
    const again = await engineer.post('/api/views', view({ name: '  mine today ' }));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ key: 'view.name_taken', params: { name: 'mine today' } });
    expect(again.body.error.details.fields).toEqual([expect.objectContaining({ path: 'name', key: 'field.taken' })]);
    expect((await colleague.post('/api/views', view({ name: 'MINE TODAY' }))).status).toBe(201);
    // Renaming onto a taken name is refused too.
    const other = await engineer.post('/api/views', view({ name: 'Other' }));
    const rename = await engineer.patch(`/api/views/${other.body.id}`, { name: 'MINE today' });
    expect(rename.status).toBe(409);
    expect(rename.body.error.key).toBe('view.name_taken');
  });

  it('refuses an unknown filter, a bad value or an unknown column with 400 naming the field', async () => {
    const unknown = await engineer.post('/api/views', view({ name: 'bad', query: { severity: ['P1'], priority: 'high' } }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.key).toBe('request.validation');
    expect(unknown.body.error.details.fields).toEqual([expect.objectContaining({ path: 'body.query', key: 'field.unrecognized_keys' })]);
    expect(unknown.body.error.message).toContain('priority');

    const badValue = await engineer.post('/api/views', view({ name: 'bad', query: { status: ['open'] } }));
    expect(badValue.status).toBe(400);
    expect(badValue.body.error.details.fields[0].path).toBe('body.query.status.0');

    const badColumn = await engineer.post('/api/views', view({ name: 'bad', columns: [{ key: 'priority' }] }));
    expect(badColumn.status).toBe(400);
    expect(badColumn.body.error.details.fields[0].path).toBe('body.columns.0.key');

    const twice = await engineer.post('/api/views', view({ name: 'bad', columns: [{ key: 'title' }, { key: 'title' }] }));
    expect(twice.status).toBe(400);
    const patch = await engineer.post('/api/views', view({ name: 'fine' }));
    expect((await engineer.patch(`/api/views/${patch.body.id}`, { query: { nope: 1 } })).status).toBe(400);
    expect((await engineer.get('/api/views')).body.map((v: { name: string }) => v.name)).not.toContain('bad');
  });

  it('lets only managers and administrators share; everyone on staff sees shared views', async () => {
    const refused = await engineer.post('/api/views', view({ name: '全组 P1', shared: true }));
    expect(refused.status).toBe(403);
    expect(refused.body.error.key).toBe('view.share_forbidden');

    const shared = await manager.post('/api/views', view({ name: '全组 P1', shared: true }));
    expect(shared.status).toBe(201);
    const id = shared.body.id;
    const seen = (await engineer.get('/api/views')).body.find((v: { id: string }) => v.id === id);
    expect(seen).toMatchObject({ shared: true, editable: false, owner: { id: manager.user.id } });

    // An engineer may not change, unshare or delete it; a personal view is not shared by its owner either.
    expect((await engineer.patch(`/api/views/${id}`, { name: 'x' })).status).toBe(403);
    expect((await engineer.delete(`/api/views/${id}`)).status).toBe(403);
    const personal = await engineer.post('/api/views', view({ name: '我的 P1' }));
    const share = await engineer.patch(`/api/views/${personal.body.id}`, { shared: true });
    expect(share.status).toBe(403);
    expect(share.body.error.key).toBe('view.share_forbidden');

    // Another manager may not change it; an administrator may.
    const otherManager = await t.as('manager');
    expect((await otherManager.patch(`/api/views/${id}`, { name: 'x' })).body.error.key).toBe('view.not_owner');
    expect((await admin.get('/api/views')).body.find((v: { id: string }) => v.id === id).editable).toBe(true);
    expect((await admin.patch(`/api/views/${id}`, { name: '全组 P1 (改)' })).status).toBe(200);
    expect((await manager.delete(`/api/views/${id}`)).status).toBe(204);
  });

  it('never shows one person’s personal view to another (404 for theirs)', async () => {
    const mine = await engineer.post('/api/views', view({ name: '私人' }));
    const listed = (await colleague.get('/api/views')).body.map((v: { id: string }) => v.id);
    expect(listed).not.toContain(mine.body.id);
    expect((await colleague.patch(`/api/views/${mine.body.id}`, { name: 'x' })).status).toBe(404);
    expect((await colleague.delete(`/api/views/${mine.body.id}`)).status).toBe(404);
    // Not even an administrator lists someone else's personal views.
    expect((await admin.get('/api/views')).body.map((v: { id: string }) => v.id)).not.toContain(mine.body.id);
  });

  it('is for staff only: customers get 403', async () => {
    const customer = await t.as('customer_user');
    expect((await customer.get('/api/views')).status).toBe(403);
    expect((await customer.post('/api/views', view())).status).toBe(403);
  });
});
