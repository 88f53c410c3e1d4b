import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module specifier a file names in an import or export (type-only ones too). */
function specifiers(file: string): string[] {
  const source = readFileSync(join(here, file), 'utf8');
  return [...source.matchAll(/\b(?:from|import)\s+'([^']+)'/g)].map((m) => m[1]!);
}

/** The protocol files reachable from `entry`, following relative imports and re-exports. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const s of specifiers(file)) if (s.startsWith('./')) visit(s.slice(2));
  };
  visit(entry);
  return seen;
}

const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
const schemaFiles = sources.filter((f) => f.endsWith('.schema.ts'));

describe('the two protocol entries', () => {
  it('the zod-free entry (what the web loads) reaches no zod and no schema file', () => {
    const files = reachable('index.ts');
    expect([...files].filter((f) => f.endsWith('.schema.ts'))).toEqual([]);
    for (const f of files) expect(specifiers(f), f).not.toContain('zod');
  });

  it('every topic is in the zod-free entry, every schema file in the schemas entry', () => {
    const zodFree = specifiers('index.ts');
    const withSchemas = specifiers('schemas.ts');
    const topics = sources.filter((f) => !f.endsWith('.schema.ts') && !['index.ts', 'schemas.ts'].includes(f));
    // type-equality.ts holds compile-time checks only, for the schema files.
    for (const t of topics.filter((f) => f !== 'type-equality.ts')) expect(zodFree, t).toContain(`./${t}`);
    for (const s of schemaFiles) expect(withSchemas, s).toContain(`./${s}`);
    expect(withSchemas).toContain('./index.ts');
  });

  it('each schema file sits beside its zod-free topic file', () => {
    expect(schemaFiles.length).toBeGreaterThan(0);
    for (const s of schemaFiles) expect(sources, s).toContain(s.replace('.schema.ts', '.ts'));
  });
});
