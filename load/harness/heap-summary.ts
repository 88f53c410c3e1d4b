import { readFileSync } from 'node:fs';

/**
 * What a heap holds, by kind of object: `heap:summary <snapshot> [<baseline snapshot>] [--per=N]`.
 * Groups every node of a V8 heap snapshot by type and constructor (objects), function name
 * (closures) or type alone (strings, arrays, code), summing counts and self sizes; with a baseline,
 * the difference (hub minus plain, say); with --per, divided by N connections. The biggest rows
 * say what each connection keeps that the baseline's does not.
 */

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

type Totals = Map<string, { count: number; bytes: number }>;

/** Kinds whose names are values (a string's text, a number), not a constructor: one row each. */
const BY_TYPE_ONLY = new Set(['string', 'concatenated string', 'sliced string', 'number', 'code', 'hidden', 'array']);

function totals(path: string): Totals {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const out: Totals = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!;
    const name = snap.strings[snap.nodes[i + nameAt]!]!;
    const key = BY_TYPE_ONLY.has(type) ? `(${type})` : `${type} ${name.slice(0, 60)}`;
    const t = out.get(key) ?? { count: 0, bytes: 0 };
    t.count += 1;
    t.bytes += snap.nodes[i + sizeAt]!;
    out.set(key, t);
  }
  return out;
}

const args = process.argv.slice(2);
const per = Number(args.find((a) => a.startsWith('--per='))?.slice('--per='.length) ?? 1);
const [file, baseline] = args.filter((a) => !a.startsWith('--'));
if (!file) {
  process.stderr.write('usage: heap:summary <snapshot> [<baseline snapshot>] [--per=N] [--top=K]\n');
  process.exit(2);
}
const top = Number(args.find((a) => a.startsWith('--top='))?.slice('--top='.length) ?? 40);
const mine = totals(file);
const theirs = baseline ? totals(baseline) : new Map<string, { count: number; bytes: number }>();
const rows = [...new Set([...mine.keys(), ...theirs.keys()])].map((key) => {
  const a = mine.get(key) ?? { count: 0, bytes: 0 };
  const b = theirs.get(key) ?? { count: 0, bytes: 0 };
  return { key, count: (a.count - b.count) / per, bytes: (a.bytes - b.bytes) / per };
});
rows.sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes));
const sum = rows.reduce((acc, r) => acc + r.bytes, 0);
process.stdout.write(
  `${baseline ? 'difference, ' : ''}${per > 1 ? `per ${per} connections: ` : ''}${sum.toFixed(0)} bytes in all\n`,
);
process.stdout.write(`${'bytes'.padStart(10)} ${'count'.padStart(9)}  kind\n`);
for (const r of rows.slice(0, top))
  process.stdout.write(`${r.bytes.toFixed(1).padStart(10)} ${r.count.toFixed(2).padStart(9)}  ${r.key}\n`);
