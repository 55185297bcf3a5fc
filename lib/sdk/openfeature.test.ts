// track() → outcome event mapping of the OpenFeature provider (pure: no server, no provider).
import { describe, expect, it } from "vitest";
import { trackToReport } from "./openfeature";

const noTier = () => undefined;
const walk = () => "WALK" as const;

describe("trackToReport", () => {
  it("takes the kind from the name, the action from details then context, the subject from targetingKey", () => {
    expect(
      trackToReport("incident", { targetingKey: "s-1", action: "a.b" }, { severity: "high", value: 2 }, walk),
    ).toEqual({
      report: {
        action: "a.b",
        kind: "incident",
        tier: "WALK",
        severity: "high",
        subjectRef: "s-1",
        metadata: { value: 2 },
      },
    });
    const both = trackToReport("action.completed", { action: "from.context" }, { action: "from.details" }, walk);
    expect(both).toMatchObject({ report: { action: "from.details" } });
  });

  it("keeps reserved details out of the metadata and passes the idempotency key through", () => {
    const mapped = trackToReport(
      "action.reverted",
      {},
      {
        action: "a",
        tier: "RUN",
        idempotencyKey: "k-1",
        reverts: "k-0",
        occurredAt: "2026-01-01T00:00:00Z",
        note: "x",
      },
      noTier,
    );
    expect(mapped).toEqual({
      report: {
        action: "a",
        kind: "action.reverted",
        tier: "RUN",
        idempotencyKey: "k-1",
        reverts: "k-0",
        occurredAt: "2026-01-01T00:00:00Z",
        metadata: { note: "x" },
      },
    });
  });

  it("drops, with a reason, what it cannot report truthfully", () => {
    const reason = (m: ReturnType<typeof trackToReport>) => ("dropped" in m ? m.dropped : null);
    expect(reason(trackToReport("clicked", {}, { action: "a" }, walk))).toContain("not an outcome kind");
    expect(reason(trackToReport("constructor", {}, { action: "a" }, walk))).toContain("not an outcome kind");
    expect(reason(trackToReport("action.completed", {}, {}, walk))).toContain("no action");
    expect(reason(trackToReport("action.completed", {}, { action: "a" }, noTier))).toContain("no tier");
    expect(reason(trackToReport("action.completed", {}, { action: "a", tier: "run" }, walk))).toContain("not a tier");
    expect(reason(trackToReport("incident", {}, { action: "a", severity: "huge" }, walk))).toContain("severity");
  });
});
