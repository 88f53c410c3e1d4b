import { pipeline } from 'node:stream/promises';
import express, { Router, type Response } from 'express';
import { actorOf } from '../auth/authenticator.ts';
import type { HubLocals } from '../auth/http-auth.ts';
import { requirePrincipal } from '../auth/http-auth.ts';
import { MAX_IMAGE_BYTES } from '../protocol/index.ts';
import type { ImageService } from './image.service.ts';

/** Image upload (raw body, any declared type: the service checks the bytes) and download for members. */
export function imageRoutes(images: ImageService) {
  const r = Router();
  const raw = express.raw({ type: () => true, limit: MAX_IMAGE_BYTES });
  r.post('/groups/:groupId/images', raw, async (req, res: Response<unknown, HubLocals>) => {
    const actor = actorOf(requirePrincipal(res));
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const image = await images.upload(actor, String(req.params.groupId), req.headers['content-type'], body);
    res.status(201).json({ ok: true, image });
  });
  const send = (variant: 'full' | 'thumb') => async (req: express.Request, res: Response<unknown, HubLocals>) => {
    const id = String(req.params.id);
    // The access check comes first, for a revalidation too: a recalled image is gone for everyone.
    const image = await images.read(actorOf(requirePrincipal(res)), id, variant);
    // Private to the group's members: never cached by shared caches; served only as an image.
    // The bytes never change (written once), so the id is the validator.
    const etag = `"${id}-${variant}"`;
    res.setHeader('Cache-Control', 'private, max-age=86400');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.type(image.mime).setHeader('Content-Length', image.size);
    // A read failing halfway cannot become an error body any more: the connection is cut instead.
    await pipeline(image.open(), res).catch(() => res.destroy());
  };
  r.get('/images/:id', send('full'));
  r.get('/images/:id/thumb', send('thumb'));
  return r;
}
