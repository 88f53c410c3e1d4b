import { readFileSync } from 'node:fs';

/**
 * What a heap holds, by kind of object:
 * `heap:summary <snapshot> [<baseline snapshot>] [--per=N] [--top=K] [--by=kind|retainer] [--versus=<after>,<before>]`.
 * Groups every node of a V8 heap snapshot by type and constructor (objects), function name
 * (closures) or type alone (strings, arrays, code), summing counts and self sizes; with a baseline,
 * the difference (the idle snapshot minus the one before connecting, say); with --per, divided by
 * N connections. `--by=retainer` adds to each kind what first holds it and through which edge
 * (`closure native_bind ← object Socket.onclose`), which names the field or listener to look at.
 * `--versus` subtracts a second pair's difference row by row (the hub's idle minus before, versus
 * plain Socket.IO's): what each hub connection keeps that a plain one does not. The biggest rows first.
 */

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

type By = 'kind' | 'retainer';
type Totals = Map<string, { count: number; bytes: number }>;

/** Kinds whose names are values (a string's text, a number), not a constructor: one row each. */
const BY_TYPE_ONLY = new Set(['string', 'concatenated string', 'sliced string', 'number', 'code', 'hidden', 'array']);
/** Edges that do not keep their target alive, or duplicate a real path: never a node's retainer. */
const NOT_RETAINING = new Set(['weak', 'shortcut']);

/** For every node (by its index), the node that first holds it and the edge's label; -1 for roots. */
function firstRetainers(snap: Snapshot, width: number): { from: Int32Array; label: string[] } {
  const meta = snap.snapshot.meta;
  const edgeTypes = meta.edge_types[0];
  const edgeWidth = meta.edge_fields.length;
  const [typeAt, nameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const countAt = meta.node_fields.indexOf('edge_count');
  const nodeCount = snap.nodes.length / width;
  const from = new Int32Array(nodeCount).fill(-1);
  const label: string[] = new Array<string>(nodeCount);
  let edge = 0;
  for (let node = 0; node < nodeCount; node += 1) {
    const count = snap.nodes[node * width + countAt]!;
    for (let k = 0; k < count; k += 1, edge += edgeWidth) {
      const type = edgeTypes[snap.edges[edge + typeAt]!]!;
      const to = snap.edges[edge + toAt]! / width;
      if (NOT_RETAINING.has(type) || from[to] !== -1) continue;
      from[to] = node;
      const name = snap.edges[edge + nameAt]!;
      label[to] =
        type === 'property'
          ? `.${snap.strings[name]}`
          : type === 'context'
            ? `::${snap.strings[name]}`
            : type === 'internal'
              ? `(${snap.strings[name]})`
              : type === 'element'
                ? '[]'
                : `(${type})`;
    }
  }
  return { from, label };
}

function totals(path: string, by: By): Totals {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const kindOf = (node: number): string => {
    const type = types[snap.nodes[node * width + typeAt]!]!;
    const name = snap.strings[snap.nodes[node * width + nameAt]!]!;
    return BY_TYPE_ONLY.has(type) ? `(${type})` : `${type} ${name.slice(0, 60)}`;
  };
  const retainers = by === 'retainer' ? firstRetainers(snap, width) : undefined;
  const out: Totals = new Map();
  for (let node = 0; node < snap.nodes.length / width; node += 1) {
    let key = kindOf(node);
    if (retainers) {
      const holder = retainers.from[node]!;
      key += holder === -1 ? ' ← (root)' : ` ← ${kindOf(holder)}${retainers.label[node]!.slice(0, 40)}`;
    }
    const t = out.get(key) ?? { count: 0, bytes: 0 };
    t.count += 1;
    t.bytes += snap.nodes[node * width + sizeAt]!;
    out.set(key, t);
  }
  return out;
}

/** Per key, `after` minus `before` (either may be absent), divided by `per`. */
function difference(after: Totals, before: Totals, per: number): Totals {
  const out: Totals = new Map();
  for (const key of new Set([...after.keys(), ...before.keys()])) {
    const a = after.get(key) ?? { count: 0, bytes: 0 };
    const b = before.get(key) ?? { count: 0, bytes: 0 };
    out.set(key, { count: (a.count - b.count) / per, bytes: (a.bytes - b.bytes) / per });
  }
  return out;
}

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const per = Number(option('per') ?? 1);
const top = Number(option('top') ?? 40);
const by: By = option('by') === 'retainer' ? 'retainer' : 'kind';
const versus = option('versus')?.split(',');
const [file, baseline] = args.filter((a) => !a.startsWith('--'));
if (!file || (versus && versus.length !== 2)) {
  process.stderr.write(
    'usage: heap:summary <snapshot> [<baseline snapshot>] [--per=N] [--top=K] [--by=kind|retainer] [--versus=<after>,<before>]\n',
  );
  process.exit(2);
}
const empty: Totals = new Map();
const mine = difference(totals(file, by), baseline ? totals(baseline, by) : empty, per);
const theirs = versus ? difference(totals(versus[0]!, by), totals(versus[1]!, by), per) : empty;
const zero = { count: 0, bytes: 0 };
const rows = [...new Set([...mine.keys(), ...theirs.keys()])].map((key) => {
  const a = mine.get(key) ?? zero;
  const b = theirs.get(key) ?? zero;
  return { key, a, b, bytes: a.bytes - b.bytes, count: a.count - b.count };
});
rows.sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes));
const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((acc, r) => acc + pick(r), 0).toFixed(0);
const scope = `${baseline ? 'difference, ' : ''}${per > 1 ? `per ${per} connections: ` : ''}`;
if (versus) {
  process.stdout.write(
    `${scope}${sum((r) => r.a.bytes)} bytes, versus ${sum((r) => r.b.bytes)}: ${sum((r) => r.bytes)} more\n`,
  );
  process.stdout.write(
    `${'more'.padStart(10)} ${'count'.padStart(9)} ${'bytes'.padStart(10)} ${'versus'.padStart(10)}  kind\n`,
  );
  for (const r of rows.slice(0, top))
    process.stdout.write(
      `${r.bytes.toFixed(1).padStart(10)} ${r.count.toFixed(2).padStart(9)} ${r.a.bytes.toFixed(1).padStart(10)} ${r.b.bytes.toFixed(1).padStart(10)}  ${r.key}\n`,
    );
} else {
  process.stdout.write(`${scope}${sum((r) => r.bytes)} bytes in all\n`);
  process.stdout.write(`${'bytes'.padStart(10)} ${'count'.padStart(9)}  kind\n`);
  for (const r of rows.slice(0, top))
    process.stdout.write(`${r.bytes.toFixed(1).padStart(10)} ${r.count.toFixed(2).padStart(9)}  ${r.key}\n`);
}
