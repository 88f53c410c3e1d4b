import { IMAGE_MIME_TYPES, MAX_IMAGE_BYTES, type ErrorCode, type ImageView } from '@fengqiao/hub/protocol';

/** Why a picked file cannot be sent, before anything is uploaded. */
export type ImageProblem = 'image_type' | 'image_size' | 'image_empty';

/** Checks a picked file against what the hub accepts (the hub checks the bytes again). */
export function checkImage(file: { type: string; size: number }): ImageProblem | null {
  if (!(IMAGE_MIME_TYPES as readonly string[]).includes(file.type)) return 'image_type';
  if (file.size === 0) return 'image_empty';
  if (file.size > MAX_IMAGE_BYTES) return 'image_size';
  return null;
}

/** Where a group image is served to members: the full picture or its thumbnail. */
export function imageSrc(imageId: string, variant: 'full' | 'thumb'): string {
  const base = `/api/images/${encodeURIComponent(imageId)}`;
  return variant === 'thumb' ? `${base}/thumb` : base;
}

/** What an upload came to: the stored image, or a code (the hub's, or `network`). */
export type UploadOutcome =
  { ok: true; image: ImageView } | { ok: false; code: ErrorCode | 'network' | 'bad_response' };

/**
 * Uploads an image to a group (POST /api/groups/:groupId/images, the bytes as the body with
 * their type); the message that shows it is sent afterwards with its id.
 */
export async function uploadImage(groupId: string, file: Blob): Promise<UploadOutcome> {
  let response: Response;
  try {
    response = await fetch(`/api/groups/${encodeURIComponent(groupId)}/images`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': file.type },
      body: file,
    });
  } catch {
    return { ok: false, code: 'network' };
  }
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    // A body past the size limit can be cut off by a proxy with an HTML page.
    return { ok: false, code: response.status === 413 ? 'payload_too_large' : 'bad_response' };
  }
  const body = parsed as { ok?: boolean; image?: ImageView; error?: { code?: ErrorCode } };
  if (response.ok && body.ok === true && body.image) return { ok: true, image: body.image };
  return { ok: false, code: body.error?.code ?? 'bad_response' };
}
