/**
 * Schema-driven API fuzz test: for every route the OpenAPI document lists, bad and boundary input
 * — wrong types in each body and query field, NUL bytes, 100 kB strings, unknown fields, empty and
 * non-object bodies, malformed JSON, forged cursors, garbage and foreign ids in path parameters —
 * from every role (admin, manager, dispatcher, engineer, a customer user of organisation A,
 * nobody). It holds that the server never answers 5xx, that every error has a key, and that a
 * customer user of organisation B never gets a 2xx on organisation A's objects.
 *
 * Deterministic (a fixed seed) and bounded (a cap on requests), so it runs in seconds on PGlite
 * and on PostgreSQL alike. Bodies start from a valid-looking value built from the schema, with
 * real ids of organisation A where a field names one, so mutations reach the services and the
 * database, not just the validator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../common/domain';
import { createTestApp, type Client, type TestApp } from './harness';

const SEED = 20_260_707;
/** The most requests one run makes (the cases are sampled down to it, deterministically). */
const MAX_REQUESTS = 3200;

type Schema = {
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  const?: unknown;
  default?: unknown;
};

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: Record<string, Schema>;
  body: Schema | null;
}

interface Case {
  client: Client;
  role: string;
  method: string;
  url: string;
  /** A JS value to send as JSON, or raw text (malformed JSON). */
  body?: { json: unknown } | { raw: string };
  /**
   * Customer B: `object` — on organisation A's object, must not succeed; `any` — whatever it
   * answers must not carry organisation A's ids.
   */
  crossTenant?: 'object' | 'any';
}

/** mulberry32: a small seeded generator, so every run sends the same requests. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HUGE = 'x'.repeat(100_000);
/** Values that are wrong, hostile or on a boundary for almost any field. */
const BAD_VALUES: unknown[] = [
  'a\u0000b',
  HUGE,
  12345,
  -1,
  1e308,
  1.5,
  true,
  null,
  '',
  ' ',
  {},
  [],
  ['a\u0000'],
  { $gt: '' },
  '🙂🙂🙂\u202e',
  "'; drop table tickets; --",
  '../../../etc/passwd',
  '2026-02-30T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  'infinity',
  'NaN',
  '00000000-0000-0000-0000-000000000000',
];
/** Query values travel as text: the same ideas, spelled for a URL (plus a repeated key). */
const BAD_QUERY_VALUES: string[] = [
  '\u0000',
  HUGE,
  '-1',
  '1e308',
  '1.5',
  '',
  'true',
  "'; drop table tickets; --",
  '2026-02-30T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  'infinity',
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  Buffer.from(JSON.stringify({ r: '+275760-09-13T00:00:00.000Z', i: '00000000-0000-0000-0000-000000000000', s: { a: 1 } })).toString('base64url'),
  Buffer.from('null').toString('base64url'),
];
const BAD_PATH_VALUES = ['00000000-0000-0000-0000-000000000000', 'not-a-uuid', '%00', 'a%00b', 'x'.repeat(300), '..%2F..%2Fetc', '%F0%9F%99%82', '1e308'];

/** Routes the fuzz cannot drive through inject: a live event stream never ends its response. */
const STREAMING = new Set(['GET /api/stream']);
/** Routes called only without input: they take none, and each call does real work. */
const INPUTLESS_ONLY = new Set(['POST /api/admin/backup']);
/** Routes left out: logging out would end the sessions every later case needs (it takes no input). */
const SKIPPED = new Set(['POST /api/auth/logout']);

let t: TestApp;
let clients: { role: string; client: Client }[];
let customerB: Client;
/** Organisation A's objects (and a few others) by the kind of id a path or field names. */
let ids: Record<string, string>;
/** The ids of organisation A's own objects (its customer, ticket, contact, site, attachment, user). */
let organisationA: () => string[];

function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/')) continue;
    for (const [method, op] of Object.entries(methods)) {
      if (SKIPPED.has(`${method.toUpperCase()} ${path}`)) continue;
      const parameters: { in: string; name: string; schema: Schema }[] = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema])),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  // Deletions last, so the objects they remove are there for everything else first.
  return operations.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
}

/** The id a path parameter or field most likely wants: organisation A's object of that kind. */
function idFor(name: string, path: string): string {
  const key = name === 'id' ? (/^\/api\/([a-z-]+)/.exec(path)?.[1] ?? '') : name;
  return ids[key] ?? ids[key.replace(/Id$/, '')] ?? ids.tickets!;
}

/**
 * A value the schema accepts, as far as we can tell from it (patterns: a few candidates). Objects
 * get their required properties only (a PATCH then changes one thing), or every one at the top
 * when `full`.
 */
function validValue(schema: Schema, name: string, path: string, depth = 0, full = false): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return validValue(options[0]!, name, path, depth);
  if (schema.allOf?.length) return validValue(schema.allOf[0]!, name, path, depth);
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'uuid') return idFor(name, path);
      if (schema.format === 'date-time') return new Date(Date.now() - 60_000).toISOString();
      if (schema.format === 'date') return '2026-01-05';
      if (schema.format === 'email') return 'fuzz@example.com';
      if (schema.pattern) {
        const candidates = ['fuzz-key-1', 'fuzz_key_1', 'p1', 'P1', '13800138000', '09:00', '2026-01-05', 'zh', 'a'];
        return candidates.find((c) => new RegExp(schema.pattern!).test(c)) ?? 'a';
      }
      return '模糊测试'.padEnd(Math.max(schema.minLength ?? 1, 4), '测').slice(0, schema.maxLength ?? 40);
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
      const value = schema.exclusiveMinimum === true || typeof schema.exclusiveMinimum === 'number' ? min + (schema.type === 'integer' ? 1 : 0.5) : min;
      return Math.min(value, schema.maximum ?? value);
    }
    case 'boolean':
      return true;
    case 'array':
      return schema.minItems && schema.items ? [validValue(schema.items, name, path, depth + 1)] : [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(schema.properties ?? {})) {
        if (full || schema.required?.includes(key)) out[key] = validValue(inner, key, path, depth + 1);
      }
      return out;
    }
    default:
      return schema.default ?? 'x';
  }
}

/** Every path to a value inside `value` (for mutations below the top level). */
function leafPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => leafPaths(v, [...at, i]))];
  if (value && typeof value === 'object') return [at, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...at, k]))];
  return [at];
}
function replaceAt(value: unknown, at: (string | number)[], replacement: unknown): unknown {
  if (at.length === 0) return replacement;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  copy[at[0]!] = replaceAt(copy[at[0]!], at.slice(1), replacement);
  return copy;
}

function urlOf(op: Operation, params: Record<string, string>, query: Record<string, string | string[]> = {}): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? encodeURIComponent(idFor(name, op.path)));
  const search = Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => `${encodeURIComponent(k)}=${encodeURIComponent(one)}`))
    .join('&');
  return search ? `${path}?${search}` : path;
}

/** Every case for one operation, before sampling. Must-run cases first. */
function casesOf(op: Operation, next: () => number, admitted: Map<string, { role: string; client: Client }[]>): { must: Case[]; sampled: Case[] } {
  const key = `${op.method} ${op.path}`;
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
  const baseQuery = Object.fromEntries(
    Object.entries(op.query)
      .filter(([name]) => name !== 'cursor' && name !== 'before' && name !== 'lastEventId')
      .map(([name, schema]) => [name, String(validValue(schema, name, op.path, 1))]),
  );
  const baseBody = op.body ? validValue(op.body, '', op.path) : undefined;
  const fullBody = op.body ? validValue(op.body, '', op.path, 0, true) : undefined;
  const withBody = (client: Client, role: string, url: string, body?: Case['body']): Case => ({
    client,
    role,
    method: op.method,
    url,
    ...(body ? { body } : baseBody !== undefined ? { body: { json: baseBody } } : {}),
  });
  const must: Case[] = [];
  const sampled: Case[] = [];
  const everyone = clients.filter((c) => !STREAMING.has(key) || c.role === 'anonymous');

  // Valid-looking input from every role, and the cross-tenant probe.
  for (const { role, client } of everyone) must.push(withBody(client, role, urlOf(op, {}, baseQuery)));
  if (!STREAMING.has(key) && !INPUTLESS_ONLY.has(key)) {
    must.push({ ...withBody(customerB, 'customer_user(B)', urlOf(op, {}, baseQuery)), crossTenant: op.pathParams.length ? 'object' : 'any' });
  }
  if (STREAMING.has(key) || INPUTLESS_ONLY.has(key)) return { must, sampled };

  // Mostly roles the route admits (they reach the handler), sometimes anyone.
  const admittedHere = admitted.get(key)?.length ? admitted.get(key)! : clients;
  const someone = () => (next() < 0.85 ? pick(admittedHere) : pick(clients));
  for (const name of op.pathParams) {
    for (const bad of BAD_PATH_VALUES) {
      const { role, client } = someone();
      sampled.push(withBody(client, role, urlOf(op, { [name]: bad }, baseQuery)));
    }
  }
  for (const name of Object.keys(op.query)) {
    for (const bad of [...BAD_QUERY_VALUES, ['a', 'b']]) {
      const { role, client } = someone();
      sampled.push(withBody(client, role, urlOf(op, {}, { ...baseQuery, [name]: bad })));
    }
  }
  if (op.body) {
    for (const body of [{ json: {} }, { json: [] }, { json: 'text' }, { json: null }, { raw: '{"title":' }, { raw: '{"a":"\\u0000"}' }]) {
      const { role, client } = someone();
      sampled.push(withBody(client, role, urlOf(op, {}, baseQuery), body));
    }
    for (const json of [{ ...(baseBody as object), zzUnknownField: 'x' }, fullBody]) {
      const { role, client } = someone();
      sampled.push(withBody(client, role, urlOf(op, {}, baseQuery), { json }));
    }
    for (const field of Object.keys(op.body.properties ?? {})) {
      for (const bad of BAD_VALUES) {
        const { role, client } = someone();
        sampled.push(withBody(client, role, urlOf(op, {}, baseQuery), { json: { ...(baseBody as object), [field]: bad } }));
      }
    }
    const paths = leafPaths(fullBody).filter((p) => p.length > 1);
    for (let i = 0; i < Math.min(12, paths.length * 3); i++) {
      const { role, client } = someone();
      sampled.push(withBody(client, role, urlOf(op, {}, baseQuery), { json: replaceAt(fullBody, pick(paths), pick(BAD_VALUES)) }));
    }
  }
  return { must, sampled };
}

/** Spreads `cap` picks evenly over the list (deterministic), keeping its order. */
function sample<T>(list: T[], cap: number, next: () => number): T[] {
  if (list.length <= cap) return list;
  const chosen = new Set<number>();
  while (chosen.size < cap) chosen.add(Math.floor(next() * list.length));
  return [...chosen].sort((a, b) => a - b).map((i) => list[i]!);
}

beforeAll(async () => {
  t = await createTestApp({ config: { apiRateLimitPerMinute: 0 } });
  const customerA = await t.factory.customer();
  const customerIdB = (await t.factory.customer()).id;
  const roles: Role[] = ['admin', 'manager', 'dispatcher', 'engineer'];
  const staff = await Promise.all(roles.map(async (role) => ({ role: role as string, client: await t.as(role) })));
  const portalA = await t.as('customer_user', { customerId: customerA.id });
  customerB = await t.as('customer_user', { customerId: customerIdB });
  clients = [...staff, { role: 'customer_user(A)', client: portalA }, { role: 'anonymous', client: t.anonymous() }];

  const admin = staff[0]!.client;
  const ticketA = await t.factory.ticket({ customerId: customerA.id });
  const contactA = await t.factory.contact(customerA.id);
  const site = await admin.post(`/api/customers/${customerA.id}/sites`, { name: '模糊测试网点', address: '北京市' });
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
  const attachment = await admin.upload(`/api/tickets/${ticketA.id}/attachments`, { name: 'a.png', content: png }, { public: 'true' });
  const center = await t.factory.center();
  const victim = await t.factory.user({ role: 'engineer' });
  const firstId = async (url: string) => {
    const res = await admin.get(url);
    const list = Array.isArray(res.body) ? res.body : (res.body?.items ?? []);
    return list[0]?.id as string | undefined;
  };
  const found = {
    calendars: await firstId('/api/calendars'),
    'sla-policies': await firstId('/api/sla-policies'),
    'escalation-rules': await firstId('/api/escalation-rules'),
    'escalation-contacts': await firstId('/api/escalation-contacts'),
  };
  organisationA = () => [customerA.id, ticketA.id, contactA.id, site.body?.id, attachment.body.id, portalA.user.id].filter(Boolean);
  ids = {
    tickets: ticketA.id,
    ticket: ticketA.id,
    customers: customerA.id,
    customer: customerA.id,
    contact: contactA.id,
    contacts: contactA.id,
    site: site.body?.id ?? ticketA.id,
    attachments: attachment.body.id,
    centers: center.id,
    center: center.id,
    users: victim.id,
    user: victim.id,
    assignee: victim.id,
    tokens: ticketA.id,
    ...Object.fromEntries(Object.entries(found).filter((e): e is [string, string] => Boolean(e[1]))),
  };
});
afterAll(() => t?.close());

describe('API fuzz', () => {
  it('never answers 5xx, always keys its errors, and never lets organisation B at organisation A', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThan(50);
    const next = random(SEED);
    const problems: string[] = [];
    const statuses = new Map<string, number>();
    let sent = 0;
    const send = async (c: Case): Promise<number> => {
      sent++;
      const headers: Record<string, string> = c.client.cookie ? { cookie: c.client.cookie } : {};
      let payload: string | undefined;
      if (c.body && 'json' in c.body) payload = JSON.stringify(c.body.json);
      else if (c.body) payload = c.body.raw;
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const res = await t.app.inject({ method: c.method as 'GET', url: c.url, headers, ...(payload !== undefined ? { payload } : {}) });
      const bucket = `${c.method} ${c.url.split('?')[0]!.replace(/[0-9a-f-]{36}/g, ':id').slice(0, 80)} ${res.statusCode}`;
      statuses.set(bucket, (statuses.get(bucket) ?? 0) + 1);
      const label = `${c.role} ${c.method} ${c.url.slice(0, 160)}${payload ? ` ${payload.slice(0, 160)}` : ''}`;
      if (res.statusCode >= 500) problems.push(`${res.statusCode} ← ${label}: ${res.body.slice(0, 300)}`);
      else if (res.statusCode >= 400) {
        let key: unknown;
        try {
          key = res.json().error?.key;
        } catch {
          key = undefined;
        }
        if (typeof key !== 'string') problems.push(`${res.statusCode} without an error key ← ${label}: ${res.body.slice(0, 200)}`);
      } else if (c.crossTenant === 'object') {
        problems.push(`cross-tenant ${res.statusCode} ← ${label}: ${res.body.slice(0, 200)}`);
      } else if (c.crossTenant === 'any' && organisationA().some((id) => res.body.includes(id))) {
        problems.push(`organisation A's data in ${res.statusCode} ← ${label}: ${res.body.slice(0, 200)}`);
      }
      return res.statusCode;
    };

    // Deletions last, so what they remove is there for everything else first.
    const noDeletions = operations.filter((op) => op.method !== 'DELETE');
    const deletions = operations.filter((op) => op.method === 'DELETE');
    const admitted = new Map<string, { role: string; client: Client }[]>();
    const mustOf = (op: Operation) => casesOf(op, () => 0, admitted).must;
    const mustCount = operations.reduce((n, op) => n + mustOf(op).length, 0);

    // 1. Valid-looking input from every role (and the cross-tenant probe); who gets past the door.
    for (const op of noDeletions) {
      for (const c of mustOf(op)) {
        const status = await send(c);
        if (!c.crossTenant && status !== 401 && status !== 403) {
          const key = `${op.method} ${op.path}`;
          admitted.set(key, [...(admitted.get(key) ?? []), clients.find((x) => x.role === c.role)!]);
        }
      }
    }
    // 2. The bad input, sampled down to the cap, mostly from roles the route admits.
    const sampledOf = (ops: Operation[]) => ops.flatMap((op) => casesOf(op, next, admitted).sampled);
    const later = sampledOf(noDeletions);
    const lastOnes = sampledOf(deletions);
    const room = Math.max(0, MAX_REQUESTS - mustCount);
    const share = Math.round((room * later.length) / Math.max(1, later.length + lastOnes.length));
    for (const c of sample(later, share, next)) await send(c);
    // 3. Deletions: valid-looking, then bad.
    for (const op of deletions) for (const c of mustOf(op)) await send(c);
    for (const c of sample(lastOnes, room - share, next)) await send(c);

    // FUZZ_STATS=1 shows what the requests met (how deep they got), route by route.
    if (process.env.FUZZ_STATS) console.log([...statuses].sort().map(([k, n]) => `${k} ×${n}`).join('\n'));
    expect(sent).toBeLessThanOrEqual(MAX_REQUESTS);
    expect(problems.slice(0, 30)).toEqual([]);
  }, 120_000);

  it('answers every odd multipart upload with a keyed 4xx or a stored file, never a 5xx', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const boundary = 'fuzzboundary42';
    const field = (name: string, value: string) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const file = (filename: string, content: Buffer | string = png, type = 'image/png') =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: ${type}\r\n\r\n`),
        Buffer.from(content),
        Buffer.from('\r\n'),
      ]);
    const end = `--${boundary}--\r\n`;
    const bodies: [string, Buffer, string?][] = [
      ['NUL in the filename', Buffer.concat([file('a\u0000.png'), Buffer.from(end)])],
      ['100 kB filename', Buffer.concat([file(`${HUGE}.png`), Buffer.from(end)])],
      ['NUL in public', Buffer.concat([Buffer.from(field('public', '\u0000')), file('a.png'), Buffer.from(end)])],
      ['public after the file, twice', Buffer.concat([file('a.png'), Buffer.from(field('public', 'true') + field('public', 'false') + end)])],
      ['two files', Buffer.concat([file('a.png'), file('b.png'), Buffer.from(end)])],
      ['eleven fields', Buffer.concat([Buffer.from(Array.from({ length: 11 }, (_, i) => field(`f${i}`, 'x')).join('')), file('a.png'), Buffer.from(end)])],
      ['a 2 kB field', Buffer.concat([Buffer.from(field('public', 'x'.repeat(2000))), file('a.png'), Buffer.from(end)])],
      ['an empty file', Buffer.concat([file('empty.png', ''), Buffer.from(end)])],
      ['fields only', Buffer.from(field('public', 'true') + end)],
      ['no closing boundary', file('a.png')],
      ['cut inside the file', file('a.png').subarray(0, 80)],
      ['nothing', Buffer.alloc(0)],
      ['no boundary in the header', Buffer.concat([file('a.png'), Buffer.from(end)]), 'multipart/form-data'],
      ['another boundary in the header', Buffer.concat([file('a.png'), Buffer.from(end)]), 'multipart/form-data; boundary=other'],
    ];
    const problems: string[] = [];
    for (const { role, client } of clients) {
      for (const [label, payload, contentType] of bodies) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/tickets/${ids.tickets}/attachments`,
          headers: { ...(client.cookie ? { cookie: client.cookie } : {}), 'content-type': contentType ?? `multipart/form-data; boundary=${boundary}` },
          payload,
        });
        const key = res.statusCode >= 400 ? (res.json() as { error?: { key?: string } }).error?.key : 'stored';
        if (res.statusCode >= 500 || typeof key !== 'string') problems.push(`${role} ${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
    const fs = await import('node:fs');
    const tmp = t.services.attachments.tmpDir;
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
  });

  it("does not show a customer another organisation's tickets or users", async () => {
    const portalA = clients.find((c) => c.role === 'customer_user(A)')!.client;
    expect((await customerB.get(`/api/users/${portalA.user.id}`)).status).toBeGreaterThanOrEqual(400);
    expect((await customerB.patch(`/api/users/${portalA.user.id}`, { name: 'x' })).status).toBeGreaterThanOrEqual(400);
    const foreign = await customerB.get(`/api/tickets?customerId=${ids.customers}`);
    expect(foreign.status).toBe(200);
    expect(foreign.body.items).toEqual([]);
    const own = await portalA.get(`/api/tickets?customerId=${ids.customers}`);
    expect(own.body.items.map((i: { id: string }) => i.id)).toContain(ids.tickets);
  });
});
