#!/usr/bin/env node
/**
 * `npm run audit` (and CI): `npm audit --omit=dev --json`, failing on any high or critical
 * advisory of a production dependency that scripts/audit-allowlist.json does not accept.
 *
 * Accepting one: add `{ "id": "GHSA-…", "package": "…", "reason": "why it does not reach us",
 * "expires": "YYYY-MM-DD" }` to the allow-list (reviewed like code). After its expiry date the
 * advisory fails the build again, so every acceptance is looked at again. When the registry's
 * audit endpoint cannot be reached or answers with an error, this fails too (exit 2): an audit
 * that did not run is not a clean audit.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ALLOWLIST_PATH = path.join(here, 'audit-allowlist.json');
const BLOCKING = new Set(['high', 'critical']);

/** The advisory id people use: the GHSA id from its URL, else npm's numeric source id. */
const advisoryId = (via) => via.url?.match(/GHSA-[\w-]+/)?.[0] ?? String(via.source);

/** Validates the allow-list; returns its entries or throws with what is wrong. */
export function parseAllowList(json) {
  const entries = json?.accepted;
  if (!Array.isArray(entries)) throw new Error('audit-allowlist.json must be { "accepted": [ … ] }');
  for (const [i, entry] of entries.entries()) {
    for (const field of ['id', 'package', 'reason', 'expires']) {
      if (typeof entry?.[field] !== 'string' || !entry[field].trim()) throw new Error(`audit-allowlist.json entry ${i}: "${field}" is required`);
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.expires) || Number.isNaN(Date.parse(entry.expires))) {
      throw new Error(`audit-allowlist.json entry ${i}: "expires" must be a date YYYY-MM-DD`);
    }
  }
  return entries;
}

/**
 * Judges an `npm audit --json` report. Returns { ok, unreachable?, blocking[], accepted[],
 * expired[], unused[] }; `today` is YYYY-MM-DD.
 */
export function evaluateAudit(report, allowList, today) {
  if (!report || typeof report !== 'object' || report.error || !report.metadata?.vulnerabilities || !report.vulnerabilities) {
    const reason = report?.error?.summary || report?.message || report?.error?.message || 'no audit report';
    return { ok: false, unreachable: String(reason), blocking: [], accepted: [], expired: [], unused: [] };
  }
  const found = new Map();
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities)) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== 'object' || !BLOCKING.has(via.severity)) continue;
      const id = advisoryId(via);
      if (!found.has(id)) found.set(id, { id, package: via.name ?? name, severity: via.severity, title: via.title ?? '', url: via.url ?? '' });
    }
  }
  const blocking = [];
  const accepted = [];
  const expired = [];
  for (const advisory of found.values()) {
    const entry = allowList.find((e) => e.id === advisory.id);
    if (!entry) blocking.push(advisory);
    else if (entry.expires < today) expired.push({ ...advisory, expires: entry.expires, reason: entry.reason });
    else accepted.push({ ...advisory, expires: entry.expires, reason: entry.reason });
  }
  const unused = allowList.filter((e) => !found.has(e.id));
  return { ok: blocking.length === 0 && expired.length === 0, blocking, accepted, expired, unused };
}

function main() {
  const allowList = parseAllowList(JSON.parse(fs.readFileSync(ALLOWLIST_PATH, 'utf8')));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['audit', '--omit=dev', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let report = null;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    report = { message: (run.stderr || run.error?.message || 'npm audit printed no JSON').trim().split('\n').slice(-3).join(' ') };
  }
  const today = new Date().toISOString().slice(0, 10);
  const result = evaluateAudit(report, allowList, today);
  if (result.unreachable) {
    console.error(`✗ npm audit did not run: ${result.unreachable}`);
    console.error('  The registry audit endpoint must be reachable (npm config get registry); an audit that did not run is no verdict (exit 2), never a pass.');
    process.exit(2);
  }
  const line = (a) => `  ${a.severity.padEnd(8)} ${a.package}  ${a.id}  ${a.title}${a.url ? `  ${a.url}` : ''}`;
  for (const a of result.accepted) console.log(`accepted until ${a.expires}:\n${line(a)}\n    reason: ${a.reason}`);
  for (const e of result.unused) console.log(`note: allow-list entry ${e.id} (${e.package}) no longer matches any advisory; remove it`);
  if (result.expired.length) console.error(`✗ accepted advisories whose acceptance has expired:\n${result.expired.map((a) => `${line(a)}  (expired ${a.expires})`).join('\n')}`);
  if (result.blocking.length) console.error(`✗ high or critical advisories in production dependencies:\n${result.blocking.map(line).join('\n')}`);
  if (!result.ok) {
    console.error('  Upgrade the package (npm update / a newer version), or accept the advisory in scripts/audit-allowlist.json with a reason and an expiry date.');
    process.exit(1);
  }
  const counts = report.metadata.vulnerabilities;
  console.log(`✓ npm audit --omit=dev: no high or critical advisories outside the allow-list (critical ${counts.critical}, high ${counts.high}, moderate ${counts.moderate}, low ${counts.low})`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
