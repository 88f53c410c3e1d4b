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
    const { mime, bytes } = await images.read(actorOf(requirePrincipal(res)), String(req.params.id), variant);
    // Private to the group's members: never cached by shared caches; served only as an image.
    res.setHeader('Cache-Control', 'private, max-age=86400');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.type(mime).send(bytes);
  };
  r.get('/images/:id', send('full'));
  r.get('/images/:id/thumb', send('thumb'));
  return r;
}
