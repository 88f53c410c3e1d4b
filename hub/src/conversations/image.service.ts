import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import type { Actor } from '../auth/permissions.ts';
import { errors } from '../errors.ts';
import { newId } from '../ids.ts';
import { IMAGE_MIME_TYPES, MAX_IMAGE_BYTES, type ImageMimeType, type ImageView } from '../protocol/index.ts';
import type { Database } from '../store/schema.ts';
import { memberOf } from './conversation-queries.ts';
import type { ImageFiles, ImageVariant } from './image-files.ts';

/** One image file to send: its type, length and a fresh stream of its bytes. */
export interface ImageContent {
  mime: string;
  size: number;
  open: () => Readable;
}

/** What the first bytes of each accepted format are: a declared type that lies is refused. */
const SIGNATURES: Record<ImageMimeType, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'image/gif': (b) => ['GIF87a', 'GIF89a'].includes(b.subarray(0, 6).toString('latin1')),
};
const SHARP_FORMAT: Record<ImageMimeType, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};
const MAX_PIXELS = 40_000_000;
const THUMB_EDGE = 320;

/**
 * Images in conversations: checked, thumbnailed, written to files (the row only after them), and
 * served only to the conversation's members.
 */
export function createImageService(deps: { db: Kysely<Database>; files: ImageFiles; now?: () => number }) {
  const { db, files } = deps;
  const now = deps.now ?? Date.now;

  const isMember = async (userId: string, groupId: string) => (await memberOf(db, groupId, userId)) !== undefined;

  return {
    /** Stores an uploaded image for a group the uploader belongs to. */
    async upload(actor: Actor, groupId: string, declared: string | undefined, bytes: Buffer): Promise<ImageView> {
      if (!(await isMember(actor.id, groupId))) throw errors.notFound('group');
      const mime = IMAGE_MIME_TYPES.find((t) => t === declared?.split(';')[0]?.trim().toLowerCase());
      if (!mime) throw errors.invalid(`images must be one of ${IMAGE_MIME_TYPES.join(', ')}`);
      if (bytes.length === 0) throw errors.invalid('the image is empty');
      if (bytes.length > MAX_IMAGE_BYTES) throw errors.tooLarge(MAX_IMAGE_BYTES);
      if (!SIGNATURES[mime](bytes)) throw errors.invalid(`the bytes are not a ${mime} image`);
      let meta: sharp.Metadata;
      let thumb: Buffer;
      try {
        meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
        if (meta.format !== SHARP_FORMAT[mime] || !meta.width || !meta.height) throw new Error('format mismatch');
        thumb = await sharp(bytes, { limitInputPixels: MAX_PIXELS })
          .rotate()
          .resize(THUMB_EDGE, THUMB_EDGE, { fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 70 })
          .toBuffer();
      } catch {
        throw errors.invalid('the image cannot be decoded');
      }
      const id = newId();
      // Files first: a crash between the two leaves an orphan file (the retention sweep removes it).
      await files.write(id, { full: bytes, thumb }).catch((err: NodeJS.ErrnoException) => {
        // The folder is full or cannot be written: the node's condition, retryable; nothing stored.
        throw errors.storeUnavailable(err.code ?? 'EIO', err);
      });
      try {
        await db
          .insertInto('images')
          .values({
            id,
            group_id: groupId,
            uploader_id: actor.id,
            mime,
            width: meta.width,
            height: meta.height,
            size: bytes.length,
            legacy_data: null,
            legacy_thumb: null,
            created_at: now(),
          })
          .execute();
      } catch (err) {
        await files.remove(id).catch(() => {});
        throw err;
      }
      return { id, width: meta.width, height: meta.height, mime };
    },

    /**
     * An image's bytes for a member of its group. An image whose message was recalled or
     * removed is gone for everyone, like the text.
     */
    async read(actor: Actor, imageId: string, variant: ImageVariant): Promise<ImageContent> {
      const img = await db
        .selectFrom('images')
        .select(['group_id', 'mime', variant === 'full' ? 'legacy_data as legacy' : 'legacy_thumb as legacy'])
        .where('id', '=', imageId)
        .executeTakeFirst();
      if (!img || !(await isMember(actor.id, img.group_id))) throw errors.notFound('image');
      const hidden = await db
        .selectFrom('messages')
        .select('id')
        .where('image_id', '=', imageId)
        .where('status', '!=', 'ok')
        .executeTakeFirst();
      if (hidden) throw errors.notFound('image');
      const mime = variant === 'full' ? img.mime : 'image/webp';
      // Not yet moved out of the store (image-move.ts runs at start): served from the row meanwhile.
      if (img.legacy) {
        const bytes = Buffer.from(img.legacy);
        return { mime, size: bytes.length, open: () => Readable.from([bytes]) };
      }
      const file = await files.open(imageId, variant);
      if (!file) throw errors.notFound('image');
      return { mime, size: file.size, open: file.stream };
    },
  };
}
export type ImageService = ReturnType<typeof createImageService>;
