import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { afterRefresh, FRESH_LEASE, leaseSize, sharedOvershootBound, spendOne, type Lease } from "./api-budget";

describe("api budget leases", () => {
  it("the overshoot the two-instance test assumes is what the module states", () => {
    expect(sharedOvershootBound(1, 60, 2)).toBe(24);
    expect(leaseSize(5000, 10000)).toBe(1250);
  });

  it("between two refreshes an instance spends at most its lease plus one lease of credit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.boolean(),
        (rate, burst, granted, dry) => {
          const size = leaseSize(rate, burst);
          let lease: Lease = afterRefresh(FRESH_LEASE, 0, size, Math.min(granted, size), dry ? -1 : 10);
          let spent = 0;
          for (let i = 0; i < 3 * size + 2; i++) {
            const s = spendOne(lease, size, rate);
            lease = s.lease;
            if (s.ok) spent++;
            else expect(s.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          }
          expect(spent).toBeLessThanOrEqual(2 * size);
          if (lease.dry) expect(lease.credit).toBe(0);
        },
      ),
    );
  });
});
