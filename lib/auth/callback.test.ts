import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { safeCallbackUrl } from "./callback";

describe("safeCallbackUrl", () => {
  it("keeps same-site paths and refuses everything that could leave the site", () => {
    expect(safeCallbackUrl("/requests/1?x=1")).toBe("/requests/1?x=1");
    for (const bad of [
      "//evil.example",
      "/\\evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "",
      null,
      undefined,
      42,
    ])
      expect(safeCallbackUrl(bad)).toBe("/");
  });

  it("refuses any control or whitespace character (TAB, CR, LF, VT, NUL, NBSP, zero-width)", () => {
    for (const c of ["\t", "\r", "\n", "\v", "\f", "\0", "\u00a0", "\u2028", "\u200b", "\u0085", " "]) {
      expect(safeCallbackUrl(`/${c}/evil.example`)).toBe("/");
      expect(safeCallbackUrl(`/requests${c}`)).toBe("/");
    }
    expect(safeCallbackUrl(decodeURIComponent("%2F%09%2Fevil.example"))).toBe("/");
  });

  it("whatever it is given, the answer resolves to this site", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = safeCallbackUrl(s);
        expect(new URL(out, "https://app.example").origin).toBe("https://app.example");
        expect(out).not.toMatch(/[\u0000-\u001f\u007f\s]/);
      }),
      { numRuns: 2000 },
    );
  });
});
