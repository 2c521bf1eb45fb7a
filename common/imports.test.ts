/**
 * common/ is shared by the server and the web bundle, so it may import only itself and packages:
 * nothing from server/ (database, Node-only code) or web/. Checked by reading every file's imports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const commonDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(commonDir);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** Every module specifier: static imports and re-exports (also `import type`), dynamic imports, require. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gs, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1]!);
  return found;
}

describe('common/', () => {
  const files = sourceFiles(commonDir);

  it('finds the imports of its files', () => {
    expect(files.length).toBeGreaterThan(5);
    // Written in pieces, so that this file's own text holds no import of server/ or web/.
    const q = "'";
    const sample = [`import { z } from ${q}zod${q};`, `import type {\n  A,\n  B,\n} from ${q}../../server/x${q};`, `export * from ${q}./y${q};`, `const m = await import(${q}../web/z${q});`];
    expect(specifiers(sample.join('\n'))).toEqual([
      'zod',
      '../../server/x',
      './y',
      '../web/z',
    ]);
  });

  it('imports nothing from server/ or web/, only itself and packages', () => {
    const outside: string[] = [];
    for (const file of files) {
      for (const spec of specifiers(fs.readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.') && !spec.startsWith('/')) continue; // a package
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(commonDir + path.sep)) outside.push(`${path.relative(root, file)} → ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
