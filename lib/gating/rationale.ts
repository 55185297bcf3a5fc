// A rationale is words (SPEC §3 rule 3): at least 20 visible characters after Unicode normalisation
// (NFKC; zero-width and filler characters do not count), at least 10 of them letters or digits, in at
// least 3 words. The one rule for every rationale, justification and reason: reviews, demote, freeze,
// overrides, role grants and policy changes; the input schemas call it too. Pure.

export const RATIONALE_RULE = { visible: 20, lettersOrDigits: 10, words: 3 } as const;
/** The visible-character minimum, for forms that count as people type. */
export const MIN_RATIONALE_LENGTH = RATIONALE_RULE.visible;

/** Letters, digits, punctuation and symbols are drawn; separators, controls and marks on their own are not. */
const VISIBLE = /^[\p{L}\p{N}\p{P}\p{S}]$/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
/** Zero-width characters and fillers (U+200B, U+2060, U+FEFF, U+3164, U+115F, U+FFA0 …). */
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;
/** Blank-looking characters Unicode files under letters or symbols: the braille blank and the Hangul fillers. */
const BLANK_LOOKING = new Set(["\u2800", "\u115f", "\u1160", "\u3164", "\uffa0"]);

export interface RationaleCount {
  visible: number;
  lettersOrDigits: number;
  words: number;
}

const drawsSomething = (ch: string) => !IGNORABLE.test(ch) && !BLANK_LOOKING.has(ch);

/**
 * The text as drawn: without the characters that draw nothing (so they join, never separate, words), then
 * NFKC — removed first too, or one between two jamo would keep them from composing — then removed again, for
 * any that NFKC produces.
 */
function drawn(text: string): string[] {
  return [...[...text].filter(drawsSomething).join("").normalize("NFKC")].filter(drawsSomething);
}

// Word boundaries of every script (a language without spaces has words too). Stateless, so shared.
let segmenter: Intl.Segmenter | null = null;

export function countRationale(text: string): RationaleCount {
  const chars = drawn(text);
  let visible = 0;
  let lettersOrDigits = 0;
  for (const ch of chars) {
    if (VISIBLE.test(ch)) visible++;
    if (LETTER_OR_DIGIT.test(ch)) lettersOrDigits++;
  }
  segmenter ??= new Intl.Segmenter("und", { granularity: "word" });
  let words = 0;
  for (const s of segmenter.segment(chars.join(""))) if (s.isWordLike) words++;
  return { visible, lettersOrDigits, words };
}

/** Visible characters of a rationale (what a form counts as people type). */
export function rationaleLength(text: string): number {
  return countRationale(text).visible;
}

/** null when the text is a rationale; otherwise the problem, in words a person can act on. */
export function rationaleProblem(text: unknown, what = "rationale"): string | null {
  const c = countRationale(typeof text === "string" ? text : "");
  const r = RATIONALE_RULE;
  if (c.visible >= r.visible && c.lettersOrDigits >= r.lettersOrDigits && c.words >= r.words) return null;
  return (
    `${what} must be at least ${r.visible} characters, ${r.lettersOrDigits} of them letters or digits, in at ` +
    `least ${r.words} words: has ${c.visible}, ${c.lettersOrDigits} and ${c.words} ` +
    `(spaces and invisible characters do not count)`
  );
}

/** What a form shows as people type: how far the text is from being a rationale, or that it is one. */
export function rationaleProgress(text: string): string {
  const c = countRationale(text);
  const r = RATIONALE_RULE;
  return rationaleProblem(text) === null
    ? "a rationale: words enough"
    : `${c.visible} of ${r.visible} visible characters, ${c.lettersOrDigits} of ${r.lettersOrDigits} letters or digits, ${c.words} of ${r.words} words`;
}
