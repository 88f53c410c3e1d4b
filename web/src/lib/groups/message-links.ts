/*
 * Web addresses in a message's text, found so the message can show them as links. Only what is
 * safe to open becomes a link: http(s) addresses (a bare "www." one opens over https) and an
 * explicit mailto: or tel:. Anything else (javascript:, data:, …) stays plain text, and the link's
 * target is always the address as the URL parser reads it, never the raw text.
 */

/** A piece of a message's text: plain, or a link with the address it opens. */
export interface LinkRun {
  text: string;
  href: string | null;
}

const SAFE_PROTOCOLS: readonly string[] = ['http:', 'https:', 'mailto:', 'tel:'];

/**
 * A candidate address: a scheme we open (or "www.") at a word start, then printable ASCII other
 * than space, quotes and angle brackets. It stops at the first CJK character: Chinese text often
 * follows an address with no space between.
 */
const CANDIDATE = /\b(?:https?:\/\/|www\.|mailto:|tel:)[\x21\x23-\x3B\x3D\x3F-\x7E]+/gi;

/** Punctuation that ends a sentence rather than an address. */
const TRAILING = /[.,;:!?'*_~-]+$/;

/** Drops trailing punctuation and a closing bracket the address did not open. */
function trimEnd(raw: string): string {
  let s = raw;
  for (;;) {
    const before = s;
    s = s.replace(TRAILING, '');
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ] as const) {
      if (s.endsWith(close) && s.split(open).length < s.split(close).length) s = s.slice(0, -1);
    }
    if (s === before) return s;
  }
}

/** The address a candidate opens, or null when it is not one we open. */
function safeHref(candidate: string): string | null {
  const full = /^www\./i.test(candidate) ? `https://${candidate}` : candidate;
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    return null;
  }
  if (!SAFE_PROTOCOLS.includes(url.protocol)) return null;
  if (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    !url.hostname.includes('.') &&
    url.hostname !== 'localhost'
  )
    return null;
  if (url.protocol === 'mailto:' && !url.pathname.includes('@')) return null;
  if (url.protocol === 'tel:' && !/^\+?[\d-]{3,}$/.test(url.pathname)) return null;
  return url.href;
}

/** Splits text into plain runs and link runs, keeping every character in order. */
export function linkRuns(text: string): LinkRun[] {
  const out: LinkRun[] = [];
  let plain = '';
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const candidate = trimEnd(match[0]);
    const href = safeHref(candidate);
    if (href === null) continue;
    plain += text.slice(last, match.index);
    if (plain) out.push({ text: plain, href: null });
    plain = '';
    out.push({ text: candidate, href });
    last = match.index + candidate.length;
  }
  plain += text.slice(last);
  if (plain) out.push({ text: plain, href: null });
  return out;
}
