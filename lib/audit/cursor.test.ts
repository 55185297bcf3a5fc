// The audit list's page cursor tells nothing: no seq in it, never the same twice, and only ours open.
import { beforeAll, describe, expect, it } from "vitest";
import { openCursor, sealCursor } from "./cursor";
import { auditQuerySchema } from "./schema";

beforeAll(() => {
  process.env.AUTH_SECRET ??= "cursor-test-secret";
});

describe("audit page cursor", () => {
  it("round-trips a seq, hides it, differs each time, and is a valid `before`", () => {
    // Seqs long enough that a random base64url string would almost never contain their digits by chance.
    for (const seq of [9_876_543_210n, 271_828_182_845n, 9_223_372_036_854_775_807n]) {
      const a = sealCursor(seq);
      expect(openCursor(a)).toBe(seq);
      expect(a).not.toContain(seq.toString());
      expect(sealCursor(seq)).not.toBe(a);
      expect(auditQuerySchema.parse({ before: a }).before).toBe(a);
    }
  });

  it("refuses a tampered or foreign cursor", () => {
    const c = sealCursor(42n);
    const flipped = c.slice(0, -2) + (c.at(-2) === "A" ? "B" : "A") + c.at(-1);
    expect(openCursor(flipped)).toBeNull();
    expect(openCursor("x".repeat(48))).toBeNull();
    expect(openCursor("42")).toBeNull();
  });
});
