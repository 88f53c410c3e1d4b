import type { Kysely } from 'kysely';
import { namesAmong } from '../org/org-queries.ts';
import type { Database } from '../store/schema.ts';

/** A name is two characters or more: one character (a surname) is in too many words to go by. */
const MIN_NAME = 2;

/** Every run of MIN_NAME or more characters inside a term (a term is at most 30 characters). */
function pieces(term: string): string[] {
  const chars = [...term];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++)
    for (let j = i + MIN_NAME; j <= chars.length; j++) out.push(chars.slice(i, j).join(''));
  return out;
}

/**
 * 热议话题 without people: drops every topic that is, or holds, the display name of anyone the
 * hub knows (members, staff, residents, whoever), so "张建国" or "找王秀英" never tops a report.
 * The summarising bot already leaves out the names it was given; this is the hub's own check.
 */
export async function withoutNames<T extends { term: string }>(db: Kysely<Database>, topics: T[]): Promise<T[]> {
  if (topics.length === 0) return topics;
  const names = await namesAmong(
    db,
    topics.flatMap((t) => pieces(t.term)),
  );
  if (names.size === 0) return topics;
  return topics.filter((t) => !pieces(t.term).some((p) => names.has(p)));
}
