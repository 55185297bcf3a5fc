import { describe, expect, it } from "vitest";
import { clearLoginFailures, delayAfter, loginBlockedFor, recordLoginFailure } from "./login-limit";

describe("sign-in throttling per (account, address) and per address", () => {
  it("slows one account from one address with growing delays", async () => {
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(await loginBlockedFor("a@x", "1.1.1.1", t0 + i)).toBe(0);
      await recordLoginFailure("a@x", "1.1.1.1", t0 + i);
    }
    expect(await loginBlockedFor("a@x", "1.1.1.1", t0 + 10)).toBe(1);
    await recordLoginFailure("a@x", "1.1.1.1", t0 + 2000);
    expect(await loginBlockedFor("a@x", "1.1.1.1", t0 + 2001)).toBe(2);
    expect([5, 6, 7, 8].map((n) => delayAfter(n, 5))).toEqual([1000, 2000, 4000, 8000]);
    expect(delayAfter(100, 5)).toBe(15 * 60_000);
  });

  it("never locks the account's owner out from an address that has not failed", async () => {
    const t0 = 2_000_000;
    for (let i = 0; i < 500; i++) await recordLoginFailure("victim@x", `9.9.${i % 250}.${Math.floor(i / 250)}`, t0 + i);
    for (let i = 0; i < 100; i++) await recordLoginFailure("victim@x", "6.6.6.6", t0 + i);
    expect(await loginBlockedFor("victim@x", "6.6.6.6", t0 + 1000)).toBeGreaterThan(0);
    expect(await loginBlockedFor("victim@x", "192.0.2.1", t0 + 1000)).toBe(0);
  });

  it("slows an address guessing many accounts, and only that address", async () => {
    const t0 = 3_000_000;
    for (let i = 0; i < 30; i++) await recordLoginFailure(`u${i}@x`, "7.7.7.7", t0 + i);
    expect(await loginBlockedFor("fresh@x", "7.7.7.7", t0 + 100)).toBeGreaterThan(0);
    expect(await loginBlockedFor("fresh@x", "7.7.7.8", t0 + 100)).toBe(0);
  });

  it("a success clears that account's failures from that address", async () => {
    for (let i = 0; i < 5; i++) await recordLoginFailure("c@x", "4.4.4.4", 5_000 + i);
    expect(await loginBlockedFor("c@x", "4.4.4.4", 5_010)).toBeGreaterThan(0);
    await clearLoginFailures("c@x", "4.4.4.4");
    expect(await loginBlockedFor("c@x", "4.4.4.4", 5_011)).toBe(0);
  });
});
