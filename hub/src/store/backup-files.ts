import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A file as the manifest lists it: a path relative to the backup folder, with `/` between parts. */
export interface FileDigest {
  path: string;
  size: number;
  sha256: string;
}

/**
 * Copies `from` to `to` in 64 KiB chunks, hashing the bytes on the way, and flushes the copy to
 * disk. The destination must not exist (`wx`), so two runs never write into each other's file.
 */
export async function copyWithDigest(from: string, to: string): Promise<{ size: number; sha256: string }> {
  await mkdir(dirname(to), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  // `flush`: fsync before the stream closes, so a finished copy is on disk.
  const out = createWriteStream(to, { flags: 'wx', flush: true });
  await pipeline(createReadStream(from, { highWaterMark: 64 * 1024 }), tap, out);
  return { size, sha256: hash.digest('hex') };
}

/** sha256 and size of a file, read in chunks. */
export async function digestFile(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
}

/** Every regular file under `root`, as `/`-separated paths relative to it, in a stable order. */
export async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else if (e.isFile()) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  await walk(root);
  return found;
}

/** Flushes a folder's entries (new names, renames) to disk. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A file-system-safe UTC stamp, `20261205T103321Z`, for backup and staging names. */
export function stamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
