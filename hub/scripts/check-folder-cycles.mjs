// Folder-level import cycles in hub/src: ESLint's import-x/no-cycle sees file cycles only, but
// DESIGN.md layers whole folders (protocol at the ground, services free of sockets and HTTP), so a
// folder that imports another which imports it back has lost its layering even without a file cycle.
// Prints each cycle with one import that makes each step, and exits 1 when any exists.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/gm;

/** Production sources only: tests may reach across folders as they like. */
function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
  }
}

/** The top folder of a source under src ('.' for files directly in src). */
const folderOf = (path) => {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 ? parts[0] : '.';
};

/** folder → folder → one example import (file → imported file). */
const edges = new Map();
for (const file of sources(SRC)) {
  const from = folderOf(file);
  for (const [, spec] of readFileSync(file, 'utf8')
    .replace(/import\s+type\s[^;]*;/g, '')
    .matchAll(IMPORT)) {
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(SRC + sep)) continue;
    const to = folderOf(target);
    if (to === from || to === '.' || from === '.') continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${relative(SRC, file)} → ${relative(SRC, target)}`);
  }
}

// Tarjan's strongly connected components: any component of two or more folders is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function connect(v) {
  state.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!state.has(w)) {
      connect(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
  }
  if (state.get(v).low === state.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component);
  }
}
for (const v of edges.keys()) if (!state.has(v)) connect(v);

for (const component of cycles) {
  console.error(`folder cycle: ${component.sort().join(' ↔ ')}`);
  for (const from of component)
    for (const [to, example] of edges.get(from) ?? [])
      if (component.includes(to)) console.error(`  ${from} → ${to}: ${example}`);
}
if (cycles.length) process.exit(1);
console.log(`hub/src: no import cycles between folders (${edges.size} folders import others)`);
