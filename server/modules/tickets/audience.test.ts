/**
 * audienceAllows (in memory, for live push) must say exactly what visibleTo (SQL, for every
 * query) says: every viewer × every ticket of one fixture, both rules side by side.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../common/domain';
import { serviceCenters, tickets } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import { createTestApp, type TestApp } from '../../test/harness';
import { ticketAudience } from '../push';
import { audienceAllows, type Viewer } from './audience';
import { findVisibleTicket } from './repository';

let t: TestApp;
const viewers: Array<{ label: string; actor: Actor }> = [];
const ticketIds: Array<{ label: string; id: string }> = [];

async function actorFor(label: string, role: Role, options: { customerId?: string; centerId?: string } = {}) {
  const user = await t.factory.user({ role, ...options });
  const [center] = options.centerId
    ? await t.services.db.select({ path: serviceCenters.path }).from(serviceCenters).where(eq(serviceCenters.id, options.centerId))
    : [];
  const actor: Actor = {
    id: user.id,
    username: user.username,
    name: user.username,
    role,
    customerId: user.customerId,
    centerId: options.centerId ?? null,
    centerPath: center?.path ?? null,
  };
  viewers.push({ label, actor });
  return actor;
}

beforeAll(async () => {
  t = await createTestApp();
  const f = t.factory;
  // north ⊃ north-east; south is a sibling subtree.
  const north = await f.center({ level: 'regional' });
  const northEast = await f.center({ level: 'provincial', parentId: north.id });
  const south = await f.center({ level: 'regional' });
  const bankA = await f.customer();
  const bankB = await f.customer();

  await actorFor('customer of A', 'customer_user', { customerId: bankA.id });
  await actorFor('leader of A', 'customer_leader', { customerId: bankA.id });
  await actorFor('customer of B', 'customer_user', { customerId: bankB.id });
  await actorFor('dispatcher north', 'dispatcher', { centerId: north.id });
  await actorFor('manager north-east', 'manager', { centerId: northEast.id });
  const southEngineer = await actorFor('engineer south', 'engineer', { centerId: south.id });
  await actorFor('engineer without center', 'engineer');
  await actorFor('admin south', 'admin', { centerId: south.id });
  await actorFor('executive north-east', 'executive', { centerId: northEast.id });
  await actorFor('qa south', 'qa', { centerId: south.id });

  const add = async (label: string, fields: { customerId: string; centerId?: string }, assigneeId?: string) => {
    const ticket = await f.ticket(fields);
    // Straight into the row: assignment rules (who is assignable) are not what this test is about.
    if (assigneeId) await t.services.db.update(tickets).set({ assigneeId }).where(eq(tickets.id, ticket.id));
    ticketIds.push({ label, id: ticket.id });
  };
  await add('A, no center', { customerId: bankA.id });
  await add('A, north', { customerId: bankA.id, centerId: north.id });
  await add('A, north-east', { customerId: bankA.id, centerId: northEast.id });
  await add('B, south', { customerId: bankB.id, centerId: south.id });
  await add('B, north-east, assigned to the south engineer', { customerId: bankB.id, centerId: northEast.id }, southEngineer.id);
  await add('A, south, assigned to the south engineer', { customerId: bankA.id, centerId: south.id }, southEngineer.id);
});
afterAll(() => t?.close());

describe('audienceAllows agrees with visibleTo', () => {
  it('for every viewer and every ticket of the fixture', async () => {
    const table: string[] = [];
    let seen = 0;
    for (const { label: who, actor } of viewers) {
      for (const { label: what, id } of ticketIds) {
        const bySql = (await findVisibleTicket(t.services.db, actor, id)) !== null;
        const audience = await ticketAudience(t.services.db, id);
        const inMemory = audienceAllows(actor, audience as unknown as Record<string, unknown>);
        if (bySql) seen++;
        table.push(`${who} / ${what}: sql=${bySql} memory=${inMemory}`);
        expect(inMemory, `${who} / ${what}`).toBe(bySql);
      }
    }
    // The fixture exercises both answers (a table of all-true or all-false would prove nothing).
    expect(seen).toBeGreaterThan(10);
    expect(seen).toBeLessThan(viewers.length * ticketIds.length);
    // Spot checks that pin the rule itself, not just the agreement.
    expect(table).toContain('customer of B / A, no center: sql=false memory=false');
    expect(table).toContain('dispatcher north / A, north-east: sql=true memory=true');
    expect(table).toContain('manager north-east / A, north: sql=false memory=false');
    expect(table).toContain('engineer south / B, north-east, assigned to the south engineer: sql=true memory=true');
    expect(table).toContain('engineer south / A, north-east: sql=false memory=false');
  });
});

describe('audienceAllows on its own', () => {
  const customer: Viewer = { id: 'u1', role: 'customer_user', customerId: 'c1', centerPath: null };
  const engineer: Viewer = { id: 'u2', role: 'engineer', customerId: null, centerPath: '/n/' };
  const ticket = { customerId: 'c1', centerId: 'x', centerPath: '/s/x/', assigneeId: null };

  it('keeps internal matters (staffOnly) from customers of the same organisation', () => {
    expect(audienceAllows(customer, ticket)).toBe(true);
    expect(audienceAllows(customer, { ...ticket, staffOnly: true })).toBe(false);
    expect(audienceAllows({ ...engineer, centerPath: '/s/' }, { ...ticket, staffOnly: true })).toBe(true);
  });

  it('sends "all staff" messages to staff only', () => {
    expect(audienceAllows(customer, { staff: true })).toBe(false);
    expect(audienceAllows(engineer, { staff: true })).toBe(true);
  });

  it('shows an audience of unknown shape to nobody', () => {
    expect(audienceAllows(engineer, null)).toBe(false);
    expect(audienceAllows(engineer, {})).toBe(false);
    expect(audienceAllows(customer, { customerId: 'c1' })).toBe(false);
    expect(audienceAllows({ ...engineer, role: 'admin' }, { centerPath: '/n/' })).toBe(false);
  });
});
