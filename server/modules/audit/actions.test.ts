/**
 * Every action and kind of object the server writes to the audit log has words on the audit page,
 * in Chinese and English: the calls are read from the source (`audit.record(…)`, `audit.entry(…)` and the time-rule
 * services' `changed(tx, actor, …)`), so a new action without a translation fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// The audit page's words load with the admin pages (web/src/i18n/admin.*.ts).
import { adminEn as en } from '../../../web/src/i18n/admin.en';
import { adminZhCN as zhCN } from '../../../web/src/i18n/admin.zh-CN';

const ROOT = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The top-level arguments of the call whose `(` is at `open`. */
function argsAt(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        args.push(text.slice(start, i).trim());
        return args;
      }
    } else if (c === ',' && depth === 1) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

/** Quoted words in an argument, leaving out those it compares against (`kind === 'added' ? … : …`). */
const literals = (arg: string | undefined) => [...(arg ?? '').matchAll(/(?<![=!]==?\s*)'([a-z_]+)'/g)].map((m) => m[1]!);

function written() {
  const actions = new Set<string>();
  const entities = new Set<string>();
  for (const file of sources(ROOT)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/audit\.record\(/g)) {
      const args = argsAt(text, m.index! + m[0].length - 1);
      if (args.length < 5) continue; // the definition itself
      for (const e of literals(args[2])) entities.add(e);
      for (const a of literals(args[4])) actions.add(a);
    }
    // A ticket write's rows, written with its events: audit.entry(ctx, entity, entityId, action, …).
    for (const m of text.matchAll(/audit\.entry\(/g)) {
      const args = argsAt(text, m.index! + m[0].length - 1);
      if (args.length < 4) continue;
      for (const e of literals(args[1])) entities.add(e);
      for (const a of literals(args[3])) actions.add(a);
    }
    if (file.includes(`${path.sep}time-rules${path.sep}`)) {
      for (const m of text.matchAll(/\bchanged\(tx, actor, /g)) {
        const args = argsAt(text, text.indexOf('(', m.index!));
        for (const a of literals(args[args.length - 3])) actions.add(a);
        if (args.length === 7) for (const e of literals(args[2])) entities.add(e);
      }
    }
  }
  return { actions: [...actions].sort(), entities: [...entities].sort() };
}

describe('audit words', () => {
  const { actions, entities } = written();

  it('finds the writes it checks', () => {
    expect(actions).toEqual(expect.arrayContaining(['created', 'updated', 'status_changed', 'login', 'exception_added', 'step_marked']));
    expect(entities).toEqual(expect.arrayContaining(['ticket', 'user', 'customer', 'escalation_rule', 'setup']));
  });

  it('has every action and kind of object in Chinese and English', () => {
    const zhActions = zhCN.audit.actions as Record<string, string>;
    const enActions = en.audit.actions as Record<string, string>;
    expect(actions.filter((a) => !zhActions[a] || !enActions[a])).toEqual([]);
    const zhEntities = zhCN.audit.entities as Record<string, string>;
    const enEntities = en.audit.entities as Record<string, string>;
    // Calendars and SLA policies are written through their services' own helper (entity fixed there).
    expect([...entities, 'calendar', 'sla_policy'].filter((e) => !zhEntities[e] || !enEntities[e])).toEqual([]);
  });
});
