import type { TestHub } from './index.ts';

/** An answer of the hub's API as tests read it: status, JSON body (when JSON), raw text, headers. */
export interface ApiAnswer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/** Calls the API as a browser on the hub's own origin would (with this cookie): JSON, or a raw file body. */
export function apiClient(url: string, cookie?: string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer> => {
    const raw = typeof body === 'string' || body instanceof Uint8Array;
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        origin: url,
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : raw ? (body as string | Uint8Array<ArrayBuffer>) : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text, headers: res.headers };
  };
}
export type ApiClient = ReturnType<typeof apiClient>;

/** A chosen password that passes the policy (long, not common). */
export const ADMIN_PASSWORD = 'Harbour-Lights-2026';

/** On a production hub (no demo data): spends the start banner's set-up secret; returns the first admin's cookie. */
export async function setUpFirstAdmin(t: TestHub, login = 'chief'): Promise<string> {
  const res = await fetch(`${t.url}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.url },
    body: JSON.stringify({ secret: t.hub.setupSecret, login, name: '局管理员', password: ADMIN_PASSWORD }),
  });
  if (res.status !== 201) throw new Error(`set-up failed: ${res.status} ${await res.text()}`);
  const token = /fq_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (!token) throw new Error('set-up set no session cookie');
  return `fq_session=${token}`;
}

/** Encodes text as GBK, the way Excel on a Chinese Windows saves "CSV" (Node can decode GBK, not encode it). */
export function encodeGbk(text: string): Buffer {
  const table = gbkTable();
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`no GBK code for ${ch}`);
      out.push(...bytes);
    }
  }
  return Buffer.from(out);
}

let gbk: Map<string, [number, number]> | undefined;
function gbkTable(): Map<string, [number, number]> {
  if (gbk) return gbk;
  gbk = new Map();
  const decoder = new TextDecoder('gbk');
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\uFFFD' && !gbk.has(ch)) gbk.set(ch, [lead, trail]);
    }
  return gbk;
}
