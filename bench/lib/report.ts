/** The benchmark's result table: printed, and written to bench/results/latest.{json,md}. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Row {
  scenario: string;
  ours: string;
  reference: string;
  /** Ours as a share of the reference ("12.5 %"), or a multiple for latencies ("3.1×"). */
  ratio: string;
  goal: string;
  /** null: no goal in the issue for this figure. */
  met: boolean | null;
}

export const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

export const pct = (ours: number, reference: number) => `${((100 * ours) / reference).toFixed(1)} %`;
export const times = (ours: number, reference: number) => `${(ours / reference).toFixed(1)}×`;

const cell = (value: string) => value.replace(/\|/g, '\\|');
const metText = (met: boolean | null) => (met === null ? '—' : met ? 'yes' : 'no');

export function markdownTable(rows: Row[]) {
  const lines = ['| scenario | ours | reference | ratio | goal | met? |', '|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${[r.scenario, r.ours, r.reference, r.ratio, r.goal, metText(r.met)].map(cell).join(' | ')} |`);
  return lines.join('\n');
}

export function printTable(rows: Row[]) {
  const widths = [44, 34, 30, 8, 28];
  for (const r of rows) {
    const cols = [r.scenario, r.ours, r.reference, r.ratio, r.goal].map((c, i) => c.padEnd(widths[i]!));
    console.log(`${cols.join(' ')} ${metText(r.met)}`);
  }
}

export function writeResults(header: Record<string, unknown>, rows: Row[], raw: unknown) {
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify({ ...header, rows, raw }, null, 2)}\n`);
  const about = Object.entries(header)
    .map(([k, v]) => `- ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
  fs.writeFileSync(path.join(resultsDir, 'latest.md'), `# Benchmark results (\`npm run bench\`)\n\n${about}\n\n${markdownTable(rows)}\n`);
}
