// "A pending request blocks a new one" (SPEC §3 rules 2, 9): one pure rule in the core, read by the
// interpreter, the evidence view and the overview alike.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blocksNewRequest } from "./pending-requests";
import { REQUEST_KINDS, REQUEST_STATUSES, TIERS } from "./types";

const at = { tier: "WALK" as const, stateVersion: 7 };
const pending = {
  kind: "promotion" as const,
  status: "open" as const,
  fromTier: "WALK" as const,
  snapshotStateVersion: 7,
};

describe("blocksNewRequest", () => {
  it("an open promotion or override blocks, whatever state it was opened on", () => {
    expect(blocksNewRequest(pending, at)).toBe(true);
    expect(blocksNewRequest({ ...pending, kind: "override", snapshotStateVersion: 2, fromTier: "CRAWL" }, at)).toBe(
      true,
    );
  });

  it("an approved one blocks only while it could still be applied (same tier, same tier state)", () => {
    expect(blocksNewRequest({ ...pending, status: "approved" }, at)).toBe(true);
    expect(blocksNewRequest({ ...pending, status: "approved", snapshotStateVersion: 6 }, at)).toBe(false);
    expect(blocksNewRequest({ ...pending, status: "approved", fromTier: "CRAWL" }, at)).toBe(false);
  });

  it("a policy change, or a request no longer pending, never blocks (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REQUEST_KINDS),
        fc.constantFrom(...REQUEST_STATUSES),
        fc.constantFrom(...TIERS),
        fc.integer({ min: -1, max: 9 }),
        (kind, status, fromTier, snapshotStateVersion) => {
          const blocks = blocksNewRequest({ kind, status, fromTier, snapshotStateVersion }, at);
          const expected =
            kind !== "policy_change" &&
            (status === "open" || (status === "approved" && fromTier === at.tier && snapshotStateVersion === 7));
          expect(blocks).toBe(expected);
        },
      ),
    );
  });
});
