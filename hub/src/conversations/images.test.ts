import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { createImageFiles } from './image-files.ts';
import { moveImagesToFiles } from './image-move.ts';
import {
  connectSocket,
  login,
  readJson,
  startTestHub,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

let n = 0;
const cid = () => `img-${Date.now()}-${++n}`;

/** Images in a grid group: checked bytes, thumbnails, members only, gone when recalled. */
describe('group images', () => {
  let t: TestHub;
  let groupId: string;
  let cookie: string;
  let strangerCookie: string;
  let s: TestSocket;
  let png: Buffer;
  const imageDir = mkdtempSync(join(tmpdir(), 'fq-images-'));
  const fileOf = (id: string, variant = '') => join(imageDir, id.slice(-2), `${id}${variant}`);
  const upload = (body: Buffer, type: string, c = cookie, g = groupId) =>
    fetch(`${t.url}/api/groups/${g}/images`, {
      method: 'POST',
      headers: { 'content-type': type, origin: t.url, cookie: c },
      body,
    });
  const imageCount = async () =>
    Number(
      (
        await t.hub.store.db
          .selectFrom('images')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await startTestHub({ env: { IMAGE_DIR: imageDir } });
    const db = t.hub.store.db;
    const grid = await db
      .selectFrom('units')
      .select('id')
      .where('kind', '=', 'grid')
      .orderBy('sort')
      .executeTakeFirstOrThrow();
    groupId = (await db.selectFrom('groups').select('id').where('unit_id', '=', grid.id).executeTakeFirstOrThrow()).id;
    const resident = await db
      .selectFrom('users')
      .select('login')
      .where('unit_id', '=', grid.id)
      .where('role', '=', 'resident')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const stranger = await db
      .selectFrom('users')
      .innerJoin('units', 'units.id', 'users.unit_id')
      .select('users.login')
      .where('users.role', '=', 'resident')
      .where('units.id', '!=', grid.id)
      .executeTakeFirstOrThrow();
    cookie = (await login(t.url, resident.login)).cookie;
    strangerCookie = (await login(t.url, stranger.login)).cookie;
    s = await connectSocket(t.url, { cookie });
    png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
  });
  afterAll(async () => {
    s?.close();
    await t?.close();
    rmSync(imageDir, { recursive: true, force: true });
  });

  it('stores a checked image with its size, sends it in a message, and serves a thumbnail to members only', async () => {
    const res = await upload(png, 'image/png');
    expect(res.status).toBe(201);
    const { image } = await readJson(res);
    expect(image).toMatchObject({ width: 1200, height: 800, mime: 'image/png' });
    const sent = await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '', imageId: image.id });
    expect(sent).toMatchObject({ ok: true, message: { image: { id: image.id, width: 1200 } } });

    const thumb = await fetch(`${t.url}/api/images/${image.id}/thumb`, { headers: { cookie } });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBe(320);
    const full = await fetch(`${t.url}/api/images/${image.id}`, { headers: { cookie } });
    expect(Buffer.from(await full.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(`${t.url}/api/images/${image.id}`, { headers: { cookie: strangerCookie } })).status).toBe(404);
    expect(
      await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '', imageId: image.id }),
    ).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('hides the image with the message when it is recalled', async () => {
    const { image } = await readJson(await upload(png, 'image/png'));
    const sent = await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '', imageId: image.id });
    if (!sent.ok) throw new Error(sent.error.message);
    expect(await s.emitWithAck('message:recall', { groupId, seq: sent.message.seq })).toMatchObject({
      ok: true,
      message: { image: null },
    });
    expect((await fetch(`${t.url}/api/images/${image.id}/thumb`, { headers: { cookie } })).status).toBe(404);
  });

  it('refuses a lying content type, undecodable bytes, unknown types, oversize files and strangers, storing nothing', async () => {
    const before = await imageCount();
    const jpegClaim = await upload(png, 'image/jpeg');
    expect(jpegClaim.status).toBe(400);
    expect((await readJson(jpegClaim)).error.message).toMatch(/not a image\/jpeg/);
    const corrupt = Buffer.concat([png.subarray(0, 16), Buffer.alloc(200, 7)]);
    expect((await readJson(await upload(corrupt, 'image/png'))).error.message).toMatch(/cannot be decoded/);
    expect((await upload(Buffer.from('<svg onload=alert(1)>'), 'image/svg+xml')).status).toBe(400);
    expect((await upload(Buffer.from('<html>'), 'text/html')).status).toBe(400);
    const huge = await upload(Buffer.concat([png, Buffer.alloc(6 * 1024 * 1024)]), 'image/png');
    expect(huge.status).toBe(413);
    expect((await upload(png, 'image/png', strangerCookie)).status).toBe(404);
    expect(await imageCount()).toBe(before);
  });

  it("refuses a message with someone else's image, an unknown image, or nothing at all", async () => {
    const db = t.hub.store.db;
    const neighbour = await db
      .selectFrom('group_members')
      .innerJoin('users', 'users.id', 'group_members.user_id')
      .select('users.login')
      .where('group_id', '=', groupId)
      .where('users.role', '=', 'grid_worker')
      .executeTakeFirstOrThrow();
    const { image } = await readJson(await upload(png, 'image/png', (await login(t.url, neighbour.login)).cookie));
    expect(
      await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '', imageId: image.id }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(
      await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '', imageId: 'no-such-image' }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await s.emitWithAck('message:send', { groupId, clientId: cid(), text: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
  });

  it('keeps the bytes in files named by the id (not in the store) and streams them with a validator', async () => {
    const { image } = await readJson(await upload(png, 'image/png'));
    expect(readFileSync(fileOf(image.id)).equals(png)).toBe(true);
    expect(existsSync(fileOf(image.id, '.thumb'))).toBe(true);
    const row = await t.hub.store.db
      .selectFrom('images')
      .select(['legacy_data', 'legacy_thumb', 'size'])
      .where('id', '=', image.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ legacy_data: null, legacy_thumb: null, size: png.length });
    const full = await fetch(`${t.url}/api/images/${image.id}`, { headers: { cookie } });
    expect(full.headers.get('content-length')).toBe(String(png.length));
    expect(full.headers.get('cache-control')).toBe('private, max-age=86400');
    const etag = full.headers.get('etag')!;
    expect(Buffer.from(await full.arrayBuffer()).equals(png)).toBe(true);
    const again = await fetch(`${t.url}/api/images/${image.id}`, { headers: { cookie, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    // The validator does not open the door to strangers.
    const stranger = await fetch(`${t.url}/api/images/${image.id}`, {
      headers: { cookie: strangerCookie, 'if-none-match': etag },
    });
    expect(stranger.status).toBe(404);
  });

  it('answers store_unavailable and stores no row when the image folder cannot be written', async () => {
    const before = await imageCount();
    const aside = `${imageDir}-aside`;
    renameSync(imageDir, aside);
    writeFileSync(imageDir, 'not a folder');
    try {
      const res = await upload(png, 'image/png');
      expect(res.status).toBe(503);
      expect((await readJson(res)).error.code).toBe('store_unavailable');
    } finally {
      rmSync(imageDir);
      renameSync(aside, imageDir);
    }
    expect(await imageCount()).toBe(before);
    expect((await upload(png, 'image/png')).status).toBe(201);
  });

  it('moves images stored before 0016 out of the store once, serving them all along, and keeps them when the disk fails', async () => {
    const db = t.hub.store.db;
    const uploader = await db.selectFrom('users').select('id').where('login', 'is not', null).executeTakeFirstOrThrow();
    const thumb = await sharp(png).resize(32).webp().toBuffer();
    const id = `01LEGACY${Date.now()}AB`;
    await db
      .insertInto('images')
      .values({
        id,
        group_id: groupId,
        uploader_id: uploader.id,
        mime: 'image/png',
        width: 1200,
        height: 800,
        size: png.length,
        legacy_data: png,
        legacy_thumb: thumb,
        created_at: Date.now(),
      })
      .execute();
    const log = createLogger('silent');
    const get = async () =>
      Buffer.from(await (await fetch(`${t.url}/api/images/${id}`, { headers: { cookie } })).arrayBuffer());
    expect((await get()).equals(png)).toBe(true);

    // A folder that cannot be written: the move stops and the row keeps its bytes.
    const blocked = join(imageDir, 'blocked');
    writeFileSync(blocked, '');
    await expect(moveImagesToFiles(db, createImageFiles(blocked), log)).rejects.toThrow();
    const kept = await db.selectFrom('images').select('legacy_data').where('id', '=', id).executeTakeFirstOrThrow();
    expect(Buffer.from(kept.legacy_data!).equals(png)).toBe(true);
    expect((await get()).equals(png)).toBe(true);

    expect(await moveImagesToFiles(db, createImageFiles(imageDir), log)).toBe(1);
    expect(await moveImagesToFiles(db, createImageFiles(imageDir), log)).toBe(0);
    const moved = await db
      .selectFrom('images')
      .select(['legacy_data', 'legacy_thumb'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(moved).toEqual({ legacy_data: null, legacy_thumb: null });
    expect(readFileSync(fileOf(id, '.thumb')).equals(thumb)).toBe(true);
    expect((await get()).equals(png)).toBe(true);
  });
});
