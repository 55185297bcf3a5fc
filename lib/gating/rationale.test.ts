// SPEC §3 rule 3: a rationale is words. One rule (rationale.ts) for every rationale, justification and reason.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countRationale, rationaleLength, rationaleProblem, rationaleProgress } from "./rationale";

const WORDS = "Evidence holds at 96% over 400 runs.";
const INVISIBLE = [
  "\u200b",
  "\u200d",
  "\u2060",
  "\ufeff",
  "\u00ad",
  "\u180e",
  "\u3164",
  "\u115f",
  "\u1160",
  "\uffa0",
  "\u2800",
];

describe("a rationale is words", () => {
  it("accepts a sentence, in any script", () => {
    expect(rationaleProblem(WORDS)).toBeNull();
    expect(rationaleProblem("Checked the evidence against the bar; this is my own judgement.")).toBeNull();
    expect(rationaleProblem("a sufficiently long reason")).toBeNull();
    expect(rationaleProblem("Die Evidenz hält die Schwelle über 400 Läufe.")).toBeNull();
    expect(rationaleProblem("証拠は四百回の実行で基準を満たしています。")).toBeNull();
  });

  it("refuses what is not words: dots, punctuation, one long word, few letters, blanks, fillers", () => {
    for (const text of [
      ".".repeat(20),
      "!?.,;:-_()[]{}!?.,;:-_",
      "a".repeat(25),
      "x".repeat(20),
      "ok ok ok ............",
      "ok go now " + "\u2800".repeat(20),
      "good\u3164work\u115Fhere" + "\u2060".repeat(20),
      "👍".repeat(30),
      "1 2 3 " + "+".repeat(20),
      "",
      "  looks good to me   ",
    ])
      expect(rationaleProblem(text), JSON.stringify(text)).not.toBeNull();
    expect(rationaleProblem(undefined, "justification")).toMatch(
      /^justification must be at least 20 characters, 10 of them letters or digits, in at least 3 words: has 0, 0 and 0 /,
    );
    expect(rationaleProblem(".".repeat(20))).toMatch(/has 20, 0 and 0 /);
  });

  it("counts after NFKC: full-width letters count, marks and spaces do not", () => {
    expect(countRationale("ａｂｃ１２３")).toEqual({ visible: 6, lettersOrDigits: 6, words: 1 });
    expect(rationaleLength("é, ok!")).toBe(5);
    expect(rationaleLength("e\u0301".repeat(5))).toBe(5);
    expect(rationaleLength("\u0301".repeat(40))).toBe(0);
    expect(rationaleLength(" \u00a0\u3000".repeat(10))).toBe(0);
  });

  it("zero-width and filler characters count for nothing and never separate words (property)", () => {
    for (const invisible of INVISIBLE)
      expect(countRationale(invisible.repeat(40))).toEqual({ visible: 0, lettersOrDigits: 0, words: 0 });
    // A Hangul syllable written as its two jamo composes under NFKC; a zero-width space between them must not
    // stop it (a deep property run found this: 가 counted as one, ᄀ<U+200B>ᅡ as two).
    expect(countRationale("\u1100\u200b\u1161")).toEqual(countRationale("\u1100\u1161"));
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.constantFrom(...INVISIBLE), (text, filler) => {
        const plain = countRationale(text);
        const padded = countRationale([...text].join(filler));
        expect(padded.visible).toBe(plain.visible);
        expect(padded.lettersOrDigits).toBe(plain.lettersOrDigits);
        expect(padded.words).toBeLessThanOrEqual(plain.words);
      }),
    );
  });

  it("a rationale stays one when wrapped in spaces or invisible characters (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...INVISIBLE, " ", "\n"), fc.nat({ max: 30 }), (pad, n) => {
        expect(rationaleProblem(pad.repeat(n) + WORDS + pad.repeat(n))).toBeNull();
      }),
    );
  });

  it("a form's progress line says what is missing, then that it is enough", () => {
    expect(rationaleProgress("ok ok ok")).toBe("6 of 20 visible characters, 6 of 10 letters or digits, 3 of 3 words");
    expect(rationaleProgress(WORDS)).toBe("a rationale: words enough");
  });
});
