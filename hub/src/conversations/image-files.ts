import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The two files of one image: the original as uploaded and the WebP thumbnail. */
export type ImageVariant = 'full' | 'thumb';

const ID = /^[0-9A-Za-z]{10,40}$/;
const TEMP_SUFFIX = '.tmp';

/**
 * Image bytes on disk, outside the store: `<dir>/<last two characters of the id>/<id>` and
 * `<id>.thumb`. Files are written once (temp file, fsync, rename, fsync of the folder) before the
 * image's row is committed, so a crash leaves at most an orphan file, never a row without its file.
 * Every hub node must see the same folder (one machine, or a shared volume with PostgreSQL).
 */
export function createImageFiles(dir: string) {
  const folder = (id: string) => {
    if (!ID.test(id)) throw new Error('not an image id');
    return join(dir, id.slice(-2));
  };
  const file = (id: string, variant: ImageVariant) => join(folder(id), variant === 'full' ? id : `${id}.thumb`);

  /** Writes one file durably under its final name; an existing one is replaced by the same bytes. */
  async function writeDurably(path: string, shard: string, bytes: Buffer): Promise<void> {
    const temp = `${path}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    try {
      const handle = await open(temp, 'wx', 0o640);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    // The rename itself is durable only once the folder's entry is on disk.
    const d = await open(shard, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }

  return {
    dir,
    path: file,

    /** Writes both files of an image; resolves only when they are on disk. */
    async write(id: string, bytes: { full: Buffer; thumb: Buffer }): Promise<void> {
      const shard = folder(id);
      await mkdir(shard, { recursive: true });
      await writeDurably(file(id, 'thumb'), shard, bytes.thumb);
      await writeDurably(file(id, 'full'), shard, bytes.full);
    },

    /** A stream of one file and its size, or undefined when it is missing. */
    async open(id: string, variant: ImageVariant): Promise<{ size: number; stream: () => ReadStream } | undefined> {
      const path = file(id, variant);
      const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      return st && { size: st.size, stream: () => createReadStream(path) };
    },

    /** Removes both files of an image (missing ones are fine: removal is repeatable). */
    async remove(id: string): Promise<void> {
      await rm(file(id, 'full'), { force: true });
      await rm(file(id, 'thumb'), { force: true });
    },

    /**
     * Files last changed before `before`, shard by shard: image ids (with the variant's file) and
     * temp files a crash left behind. Yields small batches so the caller can check them against the store.
     */
    async *olderThan(before: number, batch = 500): AsyncGenerator<{ ids: string[]; temps: string[] }> {
      const shards = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [] as string[];
        throw err;
      });
      for (const shard of shards.sort()) {
        const names = await readdir(join(dir, shard)).catch(() => [] as string[]);
        let ids = new Set<string>();
        let temps: string[] = [];
        for (const name of names) {
          const path = join(dir, shard, name);
          const st = await stat(path).catch(() => undefined);
          if (!st?.isFile() || st.mtimeMs >= before) continue;
          if (name.endsWith(TEMP_SUFFIX)) temps.push(path);
          else if (ID.test(name.replace(/\.thumb$/, ''))) ids.add(name.replace(/\.thumb$/, ''));
          if (ids.size + temps.length >= batch) {
            yield { ids: [...ids], temps };
            ids = new Set();
            temps = [];
          }
        }
        if (ids.size + temps.length > 0) yield { ids: [...ids], temps };
      }
    },

    /** Removes one leftover temp file. */
    removeTemp: (path: string) => rm(path, { force: true }),
  };
}
export type ImageFiles = ReturnType<typeof createImageFiles>;
