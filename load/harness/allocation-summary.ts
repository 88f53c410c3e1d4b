import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * What a process allocated, and where: `alloc:summary <file.heapprofile> [--per=N] [--top=K]`.
 * Reads a sampling heap profile written with collected objects kept (allocation-sampling.ts) and
 * prints bytes three ways: by the function that allocated (self), by package (the node_modules
 * package, node's own internals, or our source file), and by the nearest of our own frames on the
 * stack (what a path of ours costs, libraries it calls included). --per divides by N messages; a
 * bench's file name ends in the messages it sent (`hub-r1-4000.heapprofile`), the default.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  callFrame: CallFrame;
  selfSize: number;
  children: ProfileNode[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) throw new Error('usage: allocation-summary <file.heapprofile> [--per=N] [--top=K]');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const per = Number(option('per') ?? /-(\d+)\.heapprofile$/.exec(basename(file))?.[1] ?? 1);
const top = Number(option('top') ?? 25);
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode };

const OURS = /\/(hub|bots|load)\/src\/|\/load\/harness\//;
const frameName = (f: CallFrame) =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^.*\/work\/[^/]+\//, '')}:${f.lineNumber + 1}`;
const packageOf = (f: CallFrame) => {
  const pkg = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f.url);
  if (pkg) return pkg[1]!;
  if (OURS.test(f.url)) return f.url.replace(/^.*\/(hub|bots|load)\//, '$1/');
  return f.url.startsWith('node:') ? f.url : f.url ? 'other' : `(${f.functionName || 'vm'})`;
};

const bySelf = new Map<string, number>();
const byPackage = new Map<string, number>();
const byOurs = new Map<string, number>();
let total = 0;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

function walk(node: ProfileNode, ours: string): void {
  const f = node.callFrame;
  const here = OURS.test(f.url) ? frameName(f) : ours;
  if (node.selfSize > 0) {
    total += node.selfSize;
    add(bySelf, frameName(f), node.selfSize);
    add(byPackage, packageOf(f), node.selfSize);
    add(byOurs, here, node.selfSize);
  }
  for (const child of node.children) walk(child, here);
}
walk(head, '(none of ours on the stack)');

const kb = (bytes: number) => (bytes / 1024 / per).toFixed(2).padStart(9);
const table = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (KiB per message, share)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${kb(v)}  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`${file}: ${(total / 1024 / 1024).toFixed(1)} MiB sampled, ${kb(total).trim()} KiB per message (÷ ${per})`);
table('by package', byPackage);
table('by allocating function', bySelf);
table('by nearest frame of ours', byOurs);
