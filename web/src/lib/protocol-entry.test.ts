import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('..', import.meta.url));

/** Every source file of the web client (scripts and components). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(e.name) ? [path] : [];
  });
}

describe('what the web loads of the protocol', () => {
  it('only the zod-free entry: no file imports zod or the schemas entry', () => {
    const files = sources(src);
    expect(files.length).toBeGreaterThan(50);
    const offending = files
      .filter((f) =>
        /from\s+'(zod|@fengqiao\/hub\/protocol\/schemas|[^']*protocol\/[^']*\.schema\.ts)'/.test(
          readFileSync(f, 'utf8'),
        ),
      )
      .map((f) => relative(src, f));
    expect(offending).toEqual([]);
  });
});
