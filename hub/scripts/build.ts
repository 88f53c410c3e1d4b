import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles a package's entry points into `dist/<name>.js` for `node dist/<name>.js` in production.
 * Run from the package folder: `tsx scripts/build.ts main=src/main.ts … [--copy src/x.txt]`.
 *
 * Its own dependencies stay external: node loads them from the package's node_modules, so native
 * ones (better-sqlite3, sharp, argon2) and pino's worker files work as installed. Workspace
 * packages are bundled: they export TypeScript source, which node cannot run. `dist/` sits as deep
 * as `src/`, so `import.meta.url`-relative paths (../../data/, ../../web/build/) resolve the same;
 * files read beside a module (`--copy`) are copied next to the bundle.
 */
const packageDir = process.cwd();
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};
const external = Object.entries(manifest.dependencies ?? {})
  .filter(([, version]) => !version.startsWith('workspace:'))
  .map(([name]) => name);

const entryPoints: Record<string, string> = {};
const copies: string[] = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--copy') copies.push(args[++i]!);
  else {
    const [name, path] = args[i]!.split('=');
    if (!name || !path) throw new Error(`expected name=path or --copy file, got "${args[i]}"`);
    entryPoints[name] = path;
  }
}

const outdir = resolve(packageDir, 'dist');
rmSync(outdir, { recursive: true, force: true });
const started = Date.now();
await build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  sourcemap: true,
  logLevel: 'warning',
});
for (const file of copies) copyFileSync(resolve(packageDir, file), join(outdir, basename(file)));
process.stdout.write(`built ${Object.keys(entryPoints).join(', ')} into ${outdir} in ${Date.now() - started} ms\n`);
