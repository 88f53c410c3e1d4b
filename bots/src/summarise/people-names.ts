const HAN_NAME = /^\p{Script=Han}{2,4}$/u;

/**
 * The ways people are named in a chat, from their display names: the whole name, and for a
 * Chinese name of three or four characters its given name (王建国 → 建国) and 老王 / 小王. A
 * name of one character is left out: it is in too many words.
 */
export function nameForms(names: Iterable<string>): Set<string> {
  const forms = new Set<string>();
  for (const raw of names) {
    const name = raw.trim();
    if ([...name].length < 2) continue;
    forms.add(name);
    if (!HAN_NAME.test(name) || name.length < 3) continue;
    forms.add(name.slice(-2));
    const surname = name.length === 4 ? name.slice(0, 2) : name[0]!;
    forms.add(`老${surname}`);
    forms.add(`小${surname}`);
  }
  return forms;
}

/**
 * A function that cuts the given name forms out of a text (each becomes a clause break), longest
 * first, so a topic is never a person or a word glued to one (找王建国 → 找，).
 */
export function nameMask(forms: ReadonlySet<string>): (text: string) => string {
  if (forms.size === 0) return (text) => text;
  const escaped = [...forms]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(escaped.join('|'), 'gu');
  return (text) => text.replace(re, '，');
}
