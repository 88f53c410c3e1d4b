import { LEXICON } from './lexicon.ts';
import { STOP_WORDS } from './stop-words.ts';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

// Plates (苏A·12345), room and building numbers (3号楼, 502室), phone-like digits and field words
// from the lexicon: one token each, where the word segmenter would cut them into pieces.
const ATOM = new RegExp(
  `[\\u4e00-\\u9fff][A-Za-z][·•.\\s]?[A-Za-z0-9]{5,6}|\\d+(?:号楼|栋|单元|号|室|楼)|[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*|${LEXICON.join('|')}`,
  'gu',
);
const HAN = /\p{Script=Han}/u;
const CLAUSE_BREAK = /[，,。．！!？?；;：:、（）()【】“”"'‘’《》\n]+/u;
// Emoji and chat placeholders such as [表情] or [微笑] carry no words.
const PLACEHOLDER = /\[[^\]\s]{1,6}\]|\p{Extended_Pictographic}/gu;

/** Removes emoji and bracketed chat placeholders ([表情], [图片]) from a text. */
export function stripPlaceholders(text: string): string {
  return text.replace(PLACEHOLDER, ' ');
}

/**
 * Cuts a text into words (Latin lower-cased, plates upper-cased): Intl.Segmenter for Chinese,
 * with plates, numbers and field words (LEXICON) kept whole, and runs of three or four single
 * Han characters the dictionary does not know (names such as 王秀英) joined back into one word.
 */
export function segmentWords(text: string): string[] {
  const words: string[] = [];
  let last = 0;
  const clean = stripPlaceholders(text);
  for (const m of clean.matchAll(ATOM)) {
    segmentHan(clean.slice(last, m.index), words);
    const atom = m[0].replace(/[·•.\s]/gu, '');
    words.push(HAN.test(atom) ? atom.toUpperCase() : atom.toLowerCase());
    last = m.index + m[0].length;
  }
  segmentHan(clean.slice(last), words);
  return words;
}

function segmentHan(text: string, out: string[]): void {
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 3 && run.length <= 4) out.push(run.join(''));
    else out.push(...run);
    run = [];
  };
  for (const s of segmenter.segment(text)) {
    if (!s.isWordLike) {
      flush();
      continue;
    }
    const w = s.segment.toLowerCase();
    if (w.length === 1 && HAN.test(w) && !STOP_WORDS.has(w)) run.push(w);
    else {
      flush();
      out.push(w);
    }
  }
  flush();
}

// Clock times and counts (8:00, 12点) say little; room numbers such as 1202 stay.
const SMALL_NUMBER = /^\d{1,2}$/u;

/** The words of a text that carry meaning: segmented, minus stop words, chat noise and one- or two-digit numbers. */
export function contentWords(text: string, extraStops?: ReadonlySet<string>): string[] {
  return contentRuns(text, extraStops).flat();
}

/**
 * The content words of a text in runs of words that stand next to each other: a stop word or
 * punctuation ends a run. Topic detection joins words that keep standing together (纺织|厂|宿舍).
 */
export function contentRuns(text: string, extraStops?: ReadonlySet<string>): string[][] {
  const runs: string[][] = [];
  for (const clause of text.split(CLAUSE_BREAK)) {
    let run: string[] = [];
    for (const w of segmentWords(clause)) {
      if (STOP_WORDS.has(w) || extraStops?.has(w) || SMALL_NUMBER.test(w)) {
        if (run.length) runs.push(run);
        run = [];
      } else run.push(w);
    }
    if (run.length) runs.push(run);
  }
  return runs;
}
