/**
 * /api/openapi.json describes what the API takes: an SLA policy's definition with its severities,
 * milestones, targets, anchors and calendars, and an escalation rule's recipients — not an
 * anything-goes object (`additionalProperties: {}`), which is what an integrator saw before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEVERITIES, TICKET_STATUSES } from '../../common/domain';
import { createTestApp, type TestApp } from './harness';

type Schema = Record<string, any>;
let t: TestApp;
let doc: Schema;

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.anonymous().get('/api/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(() => t?.close());

/** Follows `$ref`s into components, so the test holds whether schemas are inlined or shared. */
function resolve(schema: Schema): Schema {
  let s = schema;
  while (s?.$ref) {
    const path = String(s.$ref).replace(/^#\//, '').split('/');
    s = path.reduce<Schema>((node, part) => node[part], doc);
  }
  return s;
}
const prop = (schema: Schema, name: string) => {
  const found = resolve(schema).properties?.[name];
  expect(found, `property ${name}`).toBeDefined();
  return resolve(found);
};
const requestBody = (path: string, method: string) => resolve(doc.paths[path][method].requestBody.content['application/json'].schema);
const response = (path: string, method: string, status: string) => resolve(doc.paths[path][method].responses[status].content['application/json'].schema);

function expectFullDefinition(definition: Schema) {
  expect(definition.type).toBe('object');
  expect(definition.additionalProperties ?? false).not.toEqual({});
  expect(Object.keys(definition.properties)).toEqual(['warnAtRatio', 'severities', 'autoCloseDays', 'autoCloseReminderDays']);
  const severities = prop(definition, 'severities');
  expect(Object.keys(severities.properties)).toEqual([...SEVERITIES]);
  for (const severity of SEVERITIES) {
    const milestones = prop(severities, severity);
    expect(milestones.type).toBe('array');
    const milestone = resolve(milestones.items);
    expect(Object.keys(milestone.properties)).toEqual(['key', 'name', 'minutes', 'calendar', 'anchor', 'outOfHours', 'pauseOn']);
    expect(milestone.required).toEqual(expect.arrayContaining(['key', 'minutes', 'calendar', 'anchor']));
    expect(prop(milestone, 'minutes').type).toBe('integer');
    expect(prop(milestone, 'key').pattern).toBeDefined();
    // The anchor is "reported" or another milestone of the same severity.
    const anchor = prop(milestone, 'anchor').anyOf.map(resolve);
    expect(anchor.some((a: Schema) => a.enum?.includes('reported') || a.const === 'reported')).toBe(true);
    expect(anchor.some((a: Schema) => a.properties?.milestone?.type === 'string')).toBe(true);
    expect(Object.keys(prop(milestone, 'outOfHours').properties)).toEqual(['minutes', 'hoursCalendar']);
    expect(resolve(prop(milestone, 'pauseOn').items).enum).toEqual([...TICKET_STATUSES]);
  }
}

describe('OpenAPI document', () => {
  it('documents an SLA policy definition fully when creating, editing and reading a policy', () => {
    expectFullDefinition(prop(requestBody('/api/sla-policies', 'post'), 'definition'));
    expectFullDefinition(prop(requestBody('/api/sla-policies/{id}', 'patch'), 'definition'));
    expectFullDefinition(prop(response('/api/sla-policies/{id}', 'get', '200'), 'definition'));
    expectFullDefinition(prop(resolve(response('/api/sla-policies/templates', 'get', '200').items), 'definition'));
  });

  it('requires nothing in a policy edit: what is not sent stays as it was', () => {
    const patch = requestBody('/api/sla-policies/{id}', 'patch');
    expect(patch.required ?? []).toEqual([]);
    expect(prop(patch, 'isDefault').default).toBeUndefined();
  });

  it('documents each kind of escalation recipient', () => {
    for (const [path, method] of [['/api/escalation-rules', 'post'], ['/api/escalation-rules/{id}', 'patch']] as const) {
      const recipient = resolve(prop(requestBody(path, method), 'recipients').items);
      const kinds = (recipient.oneOf ?? recipient.anyOf).map(resolve).map((k: Schema) => {
        const kind = resolve(k.properties.kind);
        return [kind.const ?? kind.enum?.[0], Object.keys(k.properties).filter((p) => p !== 'kind')];
      });
      expect(kinds).toEqual([
        ['role', ['role']],
        ['user', ['userId']],
        ['contact', ['contactId']],
        ['vendor', []],
        ['on_call', []],
      ]);
    }
  });
});
