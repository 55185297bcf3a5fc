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

describe("safeCallbackUrl resolves before it checks (issue 21)", () => {
  it("refuses targets whose dot segments resolve to another site", () => {
    for (const bad of ["/.//evil.example", "/..//evil.example", "/a/..//evil.example", "/a/b/../..//evil.example"])
      expect(safeCallbackUrl(bad)).toBe("/");
    expect(safeCallbackUrl("/a/../requests")).toBe("/requests");
  });

  it("never answers a path that starts with two slashes, whatever dot segments it is given", () => {
    const segment = fc.constantFrom(".", "..", "", "a", "%2e", "%2e%2e", "evil.example");
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (parts) => {
        const out = safeCallbackUrl(`/${parts.join("/")}`);
        expect(out.startsWith("//")).toBe(false);
        expect(new URL(out, "https://app.example").origin).toBe("https://app.example");
      }),
      { numRuns: 2000, seed: 21 },
    );
  });
});
