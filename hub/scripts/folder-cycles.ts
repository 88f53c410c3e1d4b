/**
 * Fails when the folders of hub/src import each other in a cycle (type-only imports count too):
 * each folder is one node, each file directly in src/ one node of its own, tests left out. Prints
 * every cycle with one import that makes each of its edges.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const IMPORT =
  /(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The node a file belongs to: its top folder under src/, or the file itself when it lies in src/. */
const nodeOf = (file: string) => relative(SRC, file).split('/')[0]!;

/** node → node it imports → one import that makes the edge ("file → target"). */
const edges = new Map<string, Map<string, string>>();
const nodes = new Set<string>();
for (const file of sources(SRC)) {
  const from = nodeOf(file);
  nodes.add(from);
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = resolve(dirname(file), m[1] ?? m[2]!);
    if (relative(SRC, target).startsWith('..')) continue;
    const to = nodeOf(target);
    if (to === from) continue;
    const out = edges.get(from) ?? new Map<string, string>();
    if (!out.has(to)) out.set(to, `${relative(SRC, file)} → ${relative(SRC, target)}`);
    edges.set(from, out);
  }
}

/** Tarjan's strongly connected components: every component of more than one node is a cycle. */
function components(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) found.push(c.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

const cycles = components();
if (cycles.length === 0) {
  console.log(`folder-cycles: no cycle between the ${nodes.size} folders and root files of hub/src`);
} else {
  for (const c of cycles) {
    console.error(`folder-cycles: ${c.join(', ')} import each other:`);
    for (const from of c)
      for (const [to, via] of edges.get(from) ?? []) if (c.includes(to)) console.error(`  ${from} → ${to}  (${via})`);
  }
  process.exitCode = 1;
}
