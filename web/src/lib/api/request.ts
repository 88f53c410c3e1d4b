import type { ErrorBody, ErrorCode } from '@fengqiao/hub/protocol';

/** Failures that never reached the hub or came back in a shape the hub does not send. */
export type TransportFailure = 'network' | 'bad_response';

/** What a call to the hub's REST API came to: the body of a success, or a failure with a code. */
export type ApiOutcome<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; code: ErrorCode | TransportFailure; error: ErrorBody | null };

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string';
}

/**
 * Calls the hub's REST API on the same origin with the session cookie. Never throws: the network
 * failing, a proxy's HTML error page and the hub's `{ ok: false, error }` all become a failure
 * with a code, so callers handle one shape.
 */
export async function requestJson<T>(
  path: string,
  init: {
    method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
    body?: unknown;
    /** A file sent as the raw body with its own content type (imports), instead of JSON. */
    file?: { data: Blob; type: string };
    fetch?: typeof fetch;
  } = {},
): Promise<ApiOutcome<T>> {
  const method = init.method ?? 'GET';
  // A load function passes its own `fetch`, which SvelteKit tracks for invalidation.
  const send = init.fetch ?? fetch;
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | null = null;
  if (init.file) {
    headers['content-type'] = init.file.type;
    body = init.file.data;
  } else if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  let response: Response;
  try {
    response = await send(path, { method, credentials: 'same-origin', headers, body });
  } catch {
    return { ok: false, status: 0, code: 'network', error: null };
  }
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    return { ok: false, status: response.status, code: 'bad_response', error: null };
  }
  if (response.ok && typeof parsed === 'object' && parsed !== null && 'ok' in parsed && parsed.ok === true) {
    return { ok: true, status: response.status, body: parsed as T };
  }
  const error =
    typeof parsed === 'object' && parsed !== null && 'error' in parsed && isErrorBody(parsed.error)
      ? parsed.error
      : null;
  return { ok: false, status: response.status, code: error?.code ?? 'bad_response', error };
}
