/**
 * The dependency audit's verdict (scripts/audit.mjs): high/critical advisories fail unless the
 * allow-list accepts them until a date; an audit that could not run fails; the checked-in
 * allow-list is well-formed.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALLOWLIST_PATH, evaluateAudit, parseAllowList } from '../../scripts/audit.mjs';

const advisory = (severity: string, ghsa: string, name = 'fastify') => ({
  source: 1100000 + ghsa.length,
  name,
  dependency: name,
  title: `${severity} problem in ${name}`,
  url: `https://github.com/advisories/${ghsa}`,
  severity,
  range: '<5.0.0',
});

const report = (...vias: ReturnType<typeof advisory>[]) => ({
  auditReportVersion: 2,
  vulnerabilities: Object.fromEntries(
    vias.map((via) => [via.name, { name: via.name, severity: via.severity, isDirect: true, via: [via, 'some-parent'], effects: [], range: via.range, nodes: [], fixAvailable: true }]),
  ),
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: vias.length } },
});

const entry = (id: string, expires: string) => ({ id, package: 'fastify', reason: 'only reachable through an option we do not use', expires });

describe('npm audit verdict', () => {
  it('passes a report with only moderate and low advisories', () => {
    const result = evaluateAudit(report(advisory('moderate', 'GHSA-aaaa-bbbb-cccc'), advisory('low', 'GHSA-dddd-eeee-ffff', 'pg')), [], '2026-11-28');
    expect(result).toMatchObject({ ok: true, blocking: [], accepted: [] });
  });

  it('fails on a high or critical advisory that is not accepted', () => {
    const result = evaluateAudit(report(advisory('high', 'GHSA-1111-2222-3333'), advisory('critical', 'GHSA-4444-5555-6666', 'pg')), [], '2026-11-28');
    expect(result.ok).toBe(false);
    expect(result.blocking.map((a) => a.id).sort()).toEqual(['GHSA-1111-2222-3333', 'GHSA-4444-5555-6666']);
  });

  it('accepts an allow-listed advisory until its expiry date, then fails again', () => {
    const found = report(advisory('high', 'GHSA-1111-2222-3333'));
    const allow = [entry('GHSA-1111-2222-3333', '2026-12-31')];
    expect(evaluateAudit(found, allow, '2026-12-31')).toMatchObject({ ok: true, blocking: [], accepted: [{ id: 'GHSA-1111-2222-3333' }] });
    expect(evaluateAudit(found, allow, '2027-01-01')).toMatchObject({ ok: false, expired: [{ id: 'GHSA-1111-2222-3333' }] });
  });

  it('names allow-list entries that no longer match anything', () => {
    const result = evaluateAudit(report(), [entry('GHSA-9999-9999-9999', '2027-01-01')], '2026-11-28');
    expect(result.ok).toBe(true);
    expect(result.unused.map((e) => e.id)).toEqual(['GHSA-9999-9999-9999']);
  });

  it('fails when the audit endpoint could not be reached (npm prints an error object)', () => {
    const error = { message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } };
    const result = evaluateAudit(error, [], '2026-11-28');
    expect(result.ok).toBe(false);
    expect(result.unreachable).toContain('405');
    expect(evaluateAudit(null, [], '2026-11-28').unreachable).toBeTruthy();
  });

  it('checks the allow-list shape, and the checked-in one is valid', () => {
    expect(() => parseAllowList({ accepted: [{ id: 'GHSA-1', package: 'x', reason: 'r' }] })).toThrow(/expires/);
    expect(() => parseAllowList({ accepted: [{ id: 'GHSA-1', package: 'x', reason: 'r', expires: 'soon' }] })).toThrow(/YYYY-MM-DD/);
    expect(() => parseAllowList(JSON.parse(fs.readFileSync(ALLOWLIST_PATH, 'utf8')))).not.toThrow();
  });
});
