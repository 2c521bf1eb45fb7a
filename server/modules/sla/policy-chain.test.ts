/** The policy chain (issue 11): ticket → contract → product → customer → default, with the link that chose. */
import { describe, expect, it } from 'vitest';
import type { PolicyInForce, TimeRules } from '../time-rules/registry';
import { policyIn } from './engine';

const policy = (id: string) => ({ id, name: id, nameEn: null, definition: {} }) as unknown as PolicyInForce;
const known = new Map(['own', 'contract', 'product', 'customer', 'fallback'].map((id) => [id, policy(id)]));
const rules = { policy: (id: string) => known.get(id), defaultPolicy: known.get('fallback') } as unknown as TimeRules;

describe('policyIn', () => {
  it('takes the first link that names a policy, in chain order', () => {
    const all = { ticket: 'own', contract: 'contract', product: 'product', customer: 'customer' };
    expect(policyIn(rules, all)).toMatchObject({ source: 'ticket', policy: { id: 'own' } });
    expect(policyIn(rules, { ...all, ticket: null })).toMatchObject({ source: 'contract', policy: { id: 'contract' } });
    expect(policyIn(rules, { ...all, ticket: null, contract: null })).toMatchObject({ source: 'product', policy: { id: 'product' } });
    expect(policyIn(rules, { customer: 'customer' })).toMatchObject({ source: 'customer', policy: { id: 'customer' } });
    expect(policyIn(rules, {})).toMatchObject({ source: 'default', policy: { id: 'fallback' } });
  });

  it('skips a link whose policy no longer exists', () => {
    expect(policyIn(rules, { contract: 'deleted', product: 'product' })).toMatchObject({ source: 'product' });
    expect(policyIn(rules, { ticket: 'gone', contract: 'gone too' })).toMatchObject({ source: 'default' });
  });
});
