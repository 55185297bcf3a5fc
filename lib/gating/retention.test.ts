import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { archivedProblem, couldBeArchived, monthOf, retentionCutoff, retentionProblem } from "./retention";

describe("retention", () => {
  it("keeps the current month and the whole months before it", () => {
    expect(new Date(retentionCutoff(Date.parse("2026-06-10T12:00:00Z"), 1)).toISOString()).toBe(
      "2026-05-01T00:00:00.000Z",
    );
    expect(new Date(retentionCutoff(Date.parse("2026-01-31T23:59:59Z"), 13)).toISOString()).toBe(
      "2024-12-01T00:00:00.000Z",
    );
  });
  it("the cutoff starts a month, at most `months` + 1 months back, never after now (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 1, max: 120 }), (now, months) => {
        const cut = retentionCutoff(now, months);
        expect(monthOf(cut).start).toBe(cut);
        expect(cut).toBeLessThanOrEqual(now);
        expect(now - cut).toBeLessThan((months + 1) * 31 * 86_400_000 + 1);
        expect(now - cut).toBeGreaterThanOrEqual(months * 28 * 86_400_000);
      }),
    );
  });
  it("accepts whole months from 1 to 120, or none", () => {
    expect(retentionProblem(null)).toBeNull();
    expect(retentionProblem(12)).toBeNull();
    for (const bad of [0, -1, 1.5, 121, "3", undefined]) expect(retentionProblem(bad)).toMatch(/whole number/);
  });
  it("refuses exactly the outcomes that occurred before the archived months' end (property)", () => {
    expect(archivedProblem(0, null)).toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 4e12 }), (occurredAt, before) => {
        const problem = archivedProblem(occurredAt, before);
        if (occurredAt >= before) expect(problem).toBeNull();
        else expect(problem).toContain(`before ${new Date(before).toISOString().slice(0, 10)}`);
      }),
    );
  });
  it("an outcome any archive made by now refuses is one that could be archived (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: 0, max: 4e11 }),
        fc.integer({ min: 1, max: 120 }),
        (occurredAt, archivedAt, later, months) => {
          const refused = archivedProblem(occurredAt, retentionCutoff(archivedAt, months)) !== null;
          if (refused) expect(couldBeArchived(occurredAt, archivedAt + later)).toBe(true);
        },
      ),
    );
  });
});
